"""API authentication: a personal token sent as `Authorization: Bearer …`, or the session.

A write (POST, PUT, PATCH, DELETE) authenticated by the session cookie must pass Django's CSRF
check — same origin and the CSRF token in `X-CSRFToken`, as the pages' htmx requests send —
or it is refused with 403 JSON. Requests with a token carry no ambient authority: no CSRF check.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError
from ninja.utils import check_csrf

from edile.accounts.services import api_token_check

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


def optional_user(request: HttpRequest) -> Any:
    """Public endpoints: anonymous is fine, but a bad token is an error, not a silent downgrade."""
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _sep, raw = header.partition(" ")
        if scheme.lower() != "bearer" or not raw.strip():
            raise AuthenticationError(message="Use 'Authorization: Bearer <token>'.")
        check = api_token_check(raw.strip())
        if check.user is None:
            raise AuthenticationError(message=check.refusal)
        request.user = check.user
        return check.user
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        if request.method not in SAFE_METHODS and check_csrf(request) is not None:
            raise PermissionDenied(
                _(
                    "Cross-site request refused: a write with the session cookie must come from "
                    "this site with its CSRF token (X-CSRFToken header). Programs should use a "
                    "personal API token instead."
                )
            )
        return user
    request.user = AnonymousUser()
    return request.user


def required_user(request: HttpRequest) -> Any:
    user = optional_user(request)
    if not user.is_authenticated:
        raise AuthenticationError(message="Sign in or send a personal API token.")
    return user

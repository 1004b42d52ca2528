"""API authentication: a personal token sent as `Authorization: Bearer …`, or the session."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from ninja.errors import AuthenticationError

from edile.accounts.services import api_token_check


def optional_user(request: HttpRequest) -> Any:
    """Public endpoints: anonymous is fine, but a bad token is an error, not a silent downgrade."""
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _, raw = header.partition(" ")
        if scheme.lower() != "bearer" or not raw.strip():
            raise AuthenticationError(message="Use 'Authorization: Bearer <token>'.")
        check = api_token_check(raw.strip())
        if check.user is None:
            raise AuthenticationError(message=check.refusal)
        request.user = check.user
        return check.user
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return user
    request.user = AnonymousUser()
    return request.user


def required_user(request: HttpRequest) -> Any:
    user = optional_user(request)
    if not user.is_authenticated:
        raise AuthenticationError(message="Sign in or send a personal API token.")
    return user

"""Holders of sensitive roles must activate TOTP before they can use the platform."""

from __future__ import annotations

from collections.abc import Callable

from allauth.mfa.models import Authenticator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from edile.accounts.models import RoleAssignment

_SESSION_FLAG = "edile_mfa_ok"
# Paths a user without MFA may still reach: to set it up, to sign out, and assets.
_OPEN_PREFIXES = ("/static/", "/media/", "/i18n/", "/api/")


def requires_mfa(user: object) -> bool:
    if getattr(user, "is_superuser", False):
        return True
    return RoleAssignment.objects.filter(user=user, role__requires_mfa=True).exists()


def has_totp(user: object) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


class RequireMfaMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not request.session.get(_SESSION_FLAG)
            and not request.path.startswith(_OPEN_PREFIXES)
            and "/accounts/" not in request.path
        ):
            if not requires_mfa(user) or has_totp(user):
                if has_totp(user):
                    request.session[_SESSION_FLAG] = True
            else:
                return redirect(reverse("mfa_activate_totp") + "?required=1")
        return self.get_response(request)

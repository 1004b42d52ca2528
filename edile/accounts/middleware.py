"""One sign-in, always with its second factor.

A signed-in session may use the platform (pages, the admin site, the API with the session
cookie) only when:

- the person has TOTP and this session passed it (allauth records an "mfa" authentication in
  the session at the login's second step, at re-authentication, and — see `signals.py` — when
  TOTP is activated), or
- the person has no TOTP and no role that requires it (`Role.requires_mfa`, or superuser).

Otherwise pages send the person to activate TOTP (role requires it, none yet) or to confirm a
code (TOTP exists but this session never passed it, e.g. a session opened elsewhere than
allauth's login), and the API answers 403 JSON. The only paths open without it are the MFA
set-up pages themselves, signing out and static files. A request carrying
`Authorization: Bearer …` is not judged here: the token's own checks apply (`services.py`).
"""

from __future__ import annotations

from collections.abc import Callable

from allauth.account.internal.flows.login import get_authentication_records
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from edile.accounts.selectors import has_totp, requires_mfa

__all__ = ["RequireMfaMiddleware", "has_totp", "requires_mfa", "session_passed_mfa"]

# URL names a person may reach before their session has passed MFA: to set it up (allauth
# asks for the password again before activation), to give the code, and to sign out.
MFA_OPEN_URL_NAMES = frozenset(
    {
        "mfa_activate_totp",
        "mfa_reauthenticate",
        "account_reauthenticate",
        "account_logout",
    }
)


def session_passed_mfa(request: HttpRequest, user: object) -> bool:
    """True when this session's authentication records include a second factor."""
    return any(r.get("method") == "mfa" for r in get_authentication_records(request, user))


def mfa_block_reason(request: HttpRequest, user: object) -> str | None:
    """None when the session may proceed; else "activate" or "authenticate"."""
    if has_totp(user):
        return None if session_passed_mfa(request, user) else "authenticate"
    if requires_mfa(user):
        return "activate"
    return None


def _is_open_path(request: HttpRequest) -> bool:
    if request.path.startswith(settings.STATIC_URL):
        return True
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return False
    return match.url_name in MFA_OPEN_URL_NAMES


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


class RequireMfaMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if not user.is_authenticated or _is_open_path(request):
            return self.get_response(request)
        if _is_api(request) and request.headers.get("Authorization"):
            # The token decides (api_auth.optional_user), not the browser's session.
            return self.get_response(request)
        reason = mfa_block_reason(request, user)
        if reason is None:
            return self.get_response(request)
        if _is_api(request):
            message = (
                _("Activate two-factor authentication on your profile before using the API.")
                if reason == "activate"
                else _("Confirm your two-factor authentication code before using the API.")
            )
            return JsonResponse({"detail": message}, status=403)
        next_url = request.get_full_path()
        if reason == "activate":
            return redirect(reverse("mfa_activate_totp") + "?required=1")
        return redirect(reverse("mfa_reauthenticate") + "?" + urlencode({"next": next_url}))

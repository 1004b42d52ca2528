from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.http import HttpRequest

from edile.accounts.selectors import requires_mfa


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # Anyone may create an account to request data or follow the association's work;
        # roles are granted by staff, never chosen at sign-up.
        return getattr(settings, "EDILE_OPEN_SIGNUP", True)

    def get_client_ip(self, request: HttpRequest) -> str:
        # The same client address as every other rate limit: behind the trusted proxies.
        from edile.core.http import client_ip

        return client_ip(request)


class MfaAdapter(DefaultMFAAdapter):
    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        # Whoever's role requires TOTP cannot switch it off (they would be locked out at once).
        if authenticator.type == Authenticator.Type.TOTP and requires_mfa(authenticator.user):
            return False
        return super().can_delete_authenticator(authenticator)

"""Writes about accounts: roles granted and revoked, API tokens created and revoked."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from edile.accounts.models import ApiToken, Role, RoleAssignment, RoleCode, User
from edile.accounts.selectors import current_role_pairs, forget_roles, has_totp, requires_mfa
from edile.core.errors import ServiceError

TOKEN_PREFIX = "edl_"
MAX_ACTIVE_TOKENS = 10


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


# Roles that require TOTP unless staff decide otherwise (Role.requires_mfa is the data).
DEFAULT_MFA_ROLES = {"secretariat", "observatory_analyst", "administrator"}


def role_for_code(code: str) -> Role:
    """The Role row for `code`, created from its default if the data migration's row is gone."""
    if code not in RoleCode.values:
        # A domain module may add its own roles as data (e.g. sanitation's data migration).
        existing = Role.objects.filter(code=code).first()
        if existing is None:
            raise ServiceError(_("Unknown role: %(code)s.") % {"code": code})
        return existing
    label = RoleCode(code).label
    names = {}
    for language in ("fr", "en"):
        with translation.override(language):
            names[f"name_{language}"] = str(label)
    role, _created = Role.objects.get_or_create(
        code=code,
        defaults={"name": names["name_fr"], **names, "requires_mfa": code in DEFAULT_MFA_ROLES},
    )
    return role


@transaction.atomic
def role_grant(
    *, user: User, code: str, local_government: object | None = None, organisation: str = ""
) -> RoleAssignment:
    role = role_for_code(code)
    assignment, _created = RoleAssignment.objects.get_or_create(
        user=user,
        role=role,
        local_government=local_government,
        defaults={"organisation": organisation},
    )
    forget_roles(user)
    return assignment


@transaction.atomic
def role_revoke(*, user: User, code: str, local_government: object | None = None) -> None:
    RoleAssignment.objects.filter(
        user=user, role__code=code, local_government=local_government
    ).delete()
    forget_roles(user)


def api_token_lifetimes() -> list[int]:
    """The lifetimes (in days) a person may choose for a new token; the default is first."""
    default = settings.EDILE_API_TOKEN_DEFAULT_LIFETIME_DAYS
    choices = sorted(set(settings.EDILE_API_TOKEN_LIFETIMES_DAYS) | {default})
    return [default] + [d for d in choices if d != default]


@transaction.atomic
def api_token_create(
    *, user: User, name: str, expires_in_days: int | None = None
) -> tuple[ApiToken, str]:
    """Create a token and return it with its secret, which is never stored nor shown again.

    Refused while the person's roles require TOTP and they have none. The token remembers the
    roles its holder has now: it stops working if they later hold more (`api_token_check`).
    """
    name = (name or "").strip()
    if not name:
        raise ServiceError(_("Give the token a name, so that you can recognise it later."))
    if len(name) > 100:
        raise ServiceError(_("The name is too long (100 characters at most)."))
    if requires_mfa(user) and not has_totp(user):
        raise ServiceError(
            _("Your role requires two-factor authentication: activate it before creating a token.")
        )
    lifetimes = api_token_lifetimes()
    days = lifetimes[0] if expires_in_days is None else expires_in_days
    if days not in lifetimes:
        raise ServiceError(
            _("Choose a lifetime among: %(choices)s days.")
            % {"choices": ", ".join(str(d) for d in sorted(lifetimes))}
        )
    active = ApiToken.objects.filter(
        user=user, revoked_at__isnull=True, expires_at__gt=timezone.now()
    ).count()
    if active >= MAX_ACTIVE_TOKENS:
        raise ServiceError(
            _("You already have %(count)s active tokens: revoke one before creating another.")
            % {"count": active}
        )
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=raw[: len(TOKEN_PREFIX) + 6],
        key_hash=hash_token(raw),
        expires_at=timezone.now() + timedelta(days=days),
        roles_at_creation=sorted([code, lg] for code, lg in current_role_pairs(user)),
        superuser_at_creation=user.is_superuser,
    )
    return token, raw


@transaction.atomic
def api_token_revoke(*, user: User, token_id: int) -> ApiToken:
    try:
        token = ApiToken.objects.select_for_update().get(pk=token_id, user=user)
    except ApiToken.DoesNotExist:
        raise ServiceError(_("This token does not exist or is not yours.")) from None
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


@dataclass(frozen=True)
class TokenCheck:
    """The outcome of checking a presented token: the user, or why it is refused."""

    user: User | None
    refusal: str = ""


def api_token_check(raw: str) -> TokenCheck:
    """Check a presented token against its record and its holder's CURRENT state.

    Refused when unknown, revoked, expired, the holder is inactive, the holder's roles require
    TOTP and they have none, or the holder now holds a role (or superuser status) the token was
    not made with — a token never gains a role granted after its creation; roles revoked since
    are lost at once since every permission reads the current roles.
    """
    unknown = _("This token is unknown or has been revoked.")
    if not raw or not raw.startswith(TOKEN_PREFIX):
        return TokenCheck(None, unknown)
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hash_token(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return TokenCheck(None, unknown)
    now = timezone.now()
    if token.expires_at <= now:
        return TokenCheck(None, _("This token has expired: create a new one on your profile."))
    user = token.user
    if requires_mfa(user) and not has_totp(user):
        return TokenCheck(
            None,
            _("Your role requires two-factor authentication: activate it to use your tokens."),
        )
    made_with = {(code, lg) for code, lg in token.roles_at_creation}
    if not current_role_pairs(user) <= made_with or (
        user.is_superuser and not token.superuser_at_creation
    ):
        return TokenCheck(
            None,
            _(
                "You have been given new roles since this token was created: "
                "create a new token to use them."
            ),
        )
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return TokenCheck(user)


def api_token_authenticate(raw: str) -> User | None:
    """The token's user, or None when `api_token_check` refuses it."""
    return api_token_check(raw).user


def user_set_language(*, user: User, language: str) -> User:
    if language not in {"fr", "en"}:
        raise ServiceError(_("Choose French or English."))
    user.preferred_language = language
    user.save(update_fields=["preferred_language"])
    return user

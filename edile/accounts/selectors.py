"""Reads about who holds which role. Cached on the user object for the request."""

from __future__ import annotations

from typing import Any

from edile.accounts.models import RoleAssignment, RoleCode

_CACHE_ATTR = "_edile_roles"


def _assignments(user: Any) -> list[tuple[str, int | None]]:
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = list(
            RoleAssignment.objects.filter(user=user).values_list(
                "role__code", "local_government_id"
            )
        )
        setattr(user, _CACHE_ATTR, cached)
    return cached


def forget_roles(user: Any) -> None:
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def role_codes(user: Any) -> set[str]:
    codes = {code for code, _ in _assignments(user)}
    if getattr(user, "is_superuser", False):
        codes.add(RoleCode.ADMINISTRATOR)
    if not codes:
        codes.add(RoleCode.PUBLIC)
    return codes


def has_role(user: Any, *codes: str) -> bool:
    return bool(role_codes(user) & set(codes))


def scoped_local_government_ids(user: Any, code: str) -> set[int]:
    """The local governments for which `user` holds role `code` (focal point, delegate)."""
    return {lg for c, lg in _assignments(user) if c == code and lg is not None}


def requires_mfa(user: Any) -> bool:
    """True when one of the person's current roles requires TOTP (or they are superuser)."""
    if getattr(user, "is_superuser", False):
        return True
    return RoleAssignment.objects.filter(user=user, role__requires_mfa=True).exists()


def has_totp(user: Any) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def current_role_pairs(user: Any) -> set[tuple[str, int | None]]:
    """The person's roles now, read from the database (not the request cache)."""
    return set(
        RoleAssignment.objects.filter(user=user).values_list("role__code", "local_government_id")
    )


def is_staff_role(user: Any) -> bool:
    return has_role(user, RoleCode.SECRETARIAT, RoleCode.ADMINISTRATOR)


def users_with_role(code: str, local_government_id: int | None = None) -> Any:
    """The active users holding role `code` (for that local government, when one is given)."""
    from edile.accounts.models import User

    assignments = RoleAssignment.objects.filter(role__code=code)
    if local_government_id is not None:
        assignments = assignments.filter(local_government_id=local_government_id)
    return User.objects.filter(is_active=True, pk__in=assignments.values("user_id")).order_by("pk")

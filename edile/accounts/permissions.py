"""rules predicates about roles; each domain app combines them in its own permissions.py."""

from __future__ import annotations

import rules

from edile.accounts.models import RoleCode
from edile.accounts.selectors import has_role, scoped_local_government_ids


def role_predicate(*codes: str) -> rules.Predicate:
    @rules.predicate(name="has_role:" + "|".join(codes))
    def _has(user: object) -> bool:
        return has_role(user, *codes)

    return _has


is_secretariat = role_predicate(RoleCode.SECRETARIAT)
is_administrator = role_predicate(RoleCode.ADMINISTRATOR)
is_bureau_member = role_predicate(RoleCode.BUREAU_MEMBER)
is_delegate = role_predicate(RoleCode.DELEGATE)
is_focal_point = role_predicate(RoleCode.FOCAL_POINT)
is_observatory_analyst = role_predicate(RoleCode.OBSERVATORY_ANALYST)
is_observatory_partner = role_predicate(RoleCode.OBSERVATORY_PARTNER)
is_staff_role = is_secretariat | is_administrator


@rules.predicate
def is_focal_point_of(user: object, local_government: object) -> bool:
    """True when `user` is a focal point of `local_government` (an object or its id)."""
    if local_government is None:
        return False
    lg_id = getattr(local_government, "pk", local_government)
    return lg_id in scoped_local_government_ids(user, RoleCode.FOCAL_POINT)


@rules.predicate
def is_delegate_of(user: object, local_government: object) -> bool:
    if local_government is None:
        return False
    lg_id = getattr(local_government, "pk", local_government)
    return lg_id in scoped_local_government_ids(user, RoleCode.DELEGATE)


rules.add_perm("accounts.manage_users", is_administrator)

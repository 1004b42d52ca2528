"""Who may see and do what in the observatory; every check is per object, on the server.

Viewer levels: 0 = public, 1 = restricted (observatory members: partners, the secretariat,
the Bureau, administrators), 2 = confidential (observatory analysts only). See
docs/decisions/observatory-confidentiality.md.
"""

from __future__ import annotations

from typing import Any

import rules

from edile.accounts.models import RoleCode
from edile.accounts.permissions import (
    is_administrator,
    is_observatory_analyst,
)
from edile.accounts.selectors import has_role

PUBLIC, RESTRICTED, CONFIDENTIAL = 0, 1, 2

RESTRICTED_ROLES = (
    RoleCode.OBSERVATORY_PARTNER,
    RoleCode.SECRETARIAT,
    RoleCode.BUREAU_MEMBER,
    RoleCode.ADMINISTRATOR,
)


def viewer_level(user: Any) -> int:
    """The highest confidentiality level `user` may read, from their explicit roles only.

    `is_superuser` counts as the administrator role (restricted level), never more: see
    docs/decisions/observatory-confidentiality.md.
    """
    if user is None or not getattr(user, "is_authenticated", False):
        return PUBLIC
    if has_role(user, RoleCode.OBSERVATORY_ANALYST):
        return CONFIDENTIAL
    if has_role(user, *RESTRICTED_ROLES):
        return RESTRICTED
    return PUBLIC


@rules.predicate
def can_see_incident(user: Any, incident: Any) -> bool:
    from edile.observatory.models import LEVELS

    level = viewer_level(user)
    if level >= CONFIDENTIAL:
        return True
    return bool(incident.is_published) and LEVELS[incident.confidentiality] <= level


def can(user: Any, perm: str, obj: Any = None) -> bool:
    """Whether `user` may do `perm` (on `obj`), by the observatory's rules alone.

    Never `user.has_perm`: Django answers True to every `has_perm` of a superuser, which
    would open the analysts' pages (victims' names, witnesses, private notes) to an
    administrator. The rules below decide from explicit roles.
    """
    if user is None:
        return False
    if getattr(user, "is_authenticated", False) and not user.is_active:
        return False
    return rules.has_perm(perm, user, obj)


def level_for(request: Any) -> int:
    """The viewer's level, computed once per request and kept on it."""
    level = getattr(request, "_observatory_level", None)
    if level is None:
        level = viewer_level(request.user)
        request._observatory_level = level
    return level


rules.add_perm("observatory.view_incident", can_see_incident)
rules.add_perm("observatory.change_incident", is_observatory_analyst)
rules.add_perm("observatory.triage_report", is_observatory_analyst)
rules.add_perm("observatory.import_incidents", is_observatory_analyst)
rules.add_perm("observatory.change_score", is_observatory_analyst)
rules.add_perm("observatory.view_access_log", is_administrator)

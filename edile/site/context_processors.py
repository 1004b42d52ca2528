"""The navigation, fitted to the roles of the person reading."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from edile.accounts.models import RoleCode
from edile.accounts.selectors import role_codes, scoped_local_government_ids

# (label, url name, roles that see it or None for everyone)
NAVIGATION: list[tuple[Any, str, set[str] | None]] = [
    (_("Members"), "members:local_government_list", None),
    (_("Governance"), "governance:index", None),
    (_("Grants"), "grants:index", None),
    (_("Observatory"), "observatory:index", None),
    (_("Data"), "datagov:index", None),
    (_("Sanitation"), "sanitation:index", None),
    (_("Administration"), "admin:index", {RoleCode.ADMINISTRATOR, RoleCode.SECRETARIAT}),
]


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    codes = role_codes(user)
    items = []
    for label, url_name, roles in NAVIGATION:
        if roles is not None and not (codes & roles):
            continue
        if url_name == "admin:index" and not getattr(user, "is_staff", False):
            continue
        url = reverse(url_name)
        items.append({"label": label, "url": url, "current": request.path.startswith(url)})
    return {"navigation": items, "user_roles": codes, "my_cities": _my_cities(user, codes)}


def _my_cities(user: object, codes: set[str]) -> list[dict[str, str]]:
    """A focal point's own cities, linked from the header (one query, only for focal points)."""
    if RoleCode.FOCAL_POINT not in codes:
        return []
    from edile.members.models import LocalGovernment

    ids = scoped_local_government_ids(user, RoleCode.FOCAL_POINT)
    return [
        {"name": lg.name, "url": lg.get_absolute_url()}
        for lg in LocalGovernment.objects.filter(pk__in=ids).order_by("name_fr")
    ]

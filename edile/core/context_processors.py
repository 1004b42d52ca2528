"""The navigation, fitted to the roles of the person reading."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from edile.accounts.models import RoleCode
from edile.accounts.selectors import role_codes

# (label, url name, roles that see it or None for everyone)
NAVIGATION: list[tuple[Any, str, set[str] | None]] = [
    (_("Members"), "members:local_government_list", None),
    (_("Governance"), "governance:index", None),
    (_("Grants"), "grants:index", None),
    (_("Observatory"), "observatory:index", None),
    (_("Data"), "datagov:index", None),
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
        items.append(
            {"label": label, "url": url, "current": request.path.startswith(url)}
        )
    return {"navigation": items, "user_roles": codes}

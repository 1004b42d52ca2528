"""The registry's export columns, written by the core exporter (`edile.core.exports`)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from edile.core.exports import Column
from edile.members.models import LocalGovernmentKind, MembershipStatus

SHEET_TITLE = _("Local governments")

# One row per local government, as `selectors.local_government_rows_all` yields them.
LOCAL_GOVERNMENT_COLUMNS = [
    Column(_("Name (French)"), "name_fr", width=30),
    Column(_("Name (English)"), "name_en", width=30),
    Column(_("Kind"), "kind", choices=LocalGovernmentKind.choices),
    Column(_("Country"), "country"),
    Column(_("Region"), "region", width=24),
    Column(_("Population"), "population", width=12),
    Column(_("Latitude"), "latitude"),
    Column(_("Longitude"), "longitude"),
    Column(_("Website"), "website", width=30),
    Column(_("Membership status"), "membership_status", choices=MembershipStatus.choices),
    Column(_("Current mayor"), lambda row: row["mayor"]["name"] if row["mayor"] else "", width=24),
]

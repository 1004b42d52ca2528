"""The containment survey import: every bad row is listed, and nothing is saved unless all
rows are good. Columns (a header row, any order; lower case):

reference, property_reference, address, zone_code, property_type, households, residents,
low_income (yes/no), local_type, sfd_containment (A1…A10), sfd_outlet (C1…C10), volume_l,
construction_date, last_emptied_on (YYYY-MM-DD).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from edile.core.imports import ImportReport, RowError, read_rows
from edile.sanitation.models import Containment, Property, PropertyType, SfdGridCell, Zone

REQUIRED = (
    "reference",
    "property_reference",
    "address",
    "zone_code",
    "local_type",
    "sfd_containment",
    "sfd_outlet",
)
YES = {"yes", "oui", "y", "o", "1", "true", "vrai"}
NO = {"no", "non", "n", "0", "false", "faux", ""}


def _int(value: str, label: str, errors: list[str]) -> int | None:
    if not value:
        return None
    try:
        number = int(value)
    except ValueError:
        errors.append(_("%(column)s must be a whole number.") % {"column": label})
        return None
    if number < 0:
        errors.append(_("%(column)s cannot be negative.") % {"column": label})
        return None
    return number


def _date(value: str, label: str, errors: list[str]) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        errors.append(_("%(column)s must be a date such as 2019-12-31.") % {"column": label})
        return None


def containment_survey_import(
    *, actor: Any, local_government: Any, data: bytes, filename: str
) -> ImportReport:
    if not actor.has_perm("sanitation.manage_registry", local_government):
        raise PermissionDenied(_("Only the city's sanitation officers import its survey."))
    report = ImportReport()
    rows = read_rows(data, filename)
    if not rows:
        report.errors.append(RowError(1, _("The file has no rows.")))
        return report
    zones = {z.code.upper(): z for z in Zone.objects.filter(local_government=local_government)}
    codes = set(SfdGridCell.objects.filter(is_valid=True).values_list("code", flat=True))
    clean: list[dict[str, Any]] = []
    seen: set[str] = set()
    for line, row in rows:
        errors: list[str] = []
        for column in REQUIRED:
            if not row.get(column):
                errors.append(_("the column %(column)s is empty.") % {"column": column})
        zone = zones.get((row.get("zone_code") or "").upper())
        if row.get("zone_code") and zone is None:
            errors.append(_("no zone %(code)s in this city.") % {"code": row["zone_code"]})
        a = (row.get("sfd_containment") or "").upper()
        c = (row.get("sfd_outlet") or "").upper()
        if zone is not None and a and c and f"{zone.groundwater_risk}{a}{c}" not in codes:
            errors.append(
                _("%(a)s with %(c)s is not a combination of the SFD grid.") % {"a": a, "c": c}
            )
        kind = (row.get("property_type") or PropertyType.RESIDENTIAL).lower()
        if kind not in PropertyType.values:
            errors.append(
                _("unknown property type %(type)s (use %(choices)s).")
                % {"type": kind, "choices": ", ".join(PropertyType.values)}
            )
        low = (row.get("low_income") or "").lower()
        if low not in YES | NO:
            errors.append(_("low_income must be yes or no."))
        reference = row.get("reference", "")
        if reference in seen:
            errors.append(_("the reference %(ref)s appears twice.") % {"ref": reference})
        seen.add(reference)
        values = {
            "reference": reference,
            "property_reference": row.get("property_reference", ""),
            "address": row.get("address", ""),
            "zone": zone,
            "property_type": kind,
            "households": _int(row.get("households", ""), "households", errors) or 1,
            "residents": _int(row.get("residents", ""), "residents", errors) or 0,
            "is_low_income": low in YES,
            "local_type": row.get("local_type", ""),
            "sfd_containment": a,
            "sfd_outlet": c,
            "volume_l": _int(row.get("volume_l", ""), "volume_l", errors),
            "construction_date": _date(
                row.get("construction_date", ""), "construction_date", errors
            ),
            "last_emptied_on": _date(row.get("last_emptied_on", ""), "last_emptied_on", errors),
        }
        for message in errors:
            report.errors.append(RowError(line, message))
        clean.append(values)
    if report.errors:
        return report
    from edile.sanitation.services import _add_years, city_settings_get

    interval = city_settings_get(local_government).emptying_interval_years
    with transaction.atomic():
        for values in clean:
            prop, _created = Property.objects.update_or_create(
                local_government=local_government,
                reference=values["property_reference"],
                defaults={
                    "address": values["address"],
                    "zone": values["zone"],
                    "property_type": values["property_type"],
                    "households": values["households"],
                    "residents": values["residents"],
                    "is_low_income": values["is_low_income"],
                },
            )
            last = values["last_emptied_on"]
            containment, created = Containment.objects.update_or_create(
                local_government=local_government,
                reference=values["reference"],
                defaults={
                    "local_type": values["local_type"],
                    "sfd_containment": values["sfd_containment"],
                    "sfd_outlet": values["sfd_outlet"],
                    "volume_l": values["volume_l"],
                    "construction_date": values["construction_date"],
                    "last_emptied_on": last,
                    "next_emptying_due": _add_years(last, interval) if last else None,
                },
            )
            containment.properties.add(prop)
            if created:
                report.created += 1
            else:
                report.updated += 1
    return report

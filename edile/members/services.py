"""Writes to the member registry. Views and the API call these, never .save() directly."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from edile.core.concurrency import save_versioned
from edile.core.errors import ServiceError
from edile.core.formatting import is_known_currency
from edile.core.types import User
from edile.members.models import Dues, LocalGovernment, Mandate, Membership, Office, Person

EDITABLE_PROFILE_FIELDS = (
    "name_fr",
    "name_en",
    "region_fr",
    "region_en",
    "population",
    "latitude",
    "longitude",
    "website",
)


def local_government_update(
    *, actor: User, local_government: LocalGovernment, data: dict[str, Any], expected_version: int
) -> LocalGovernment:
    """Update a city's profile; refuses if someone saved it since `expected_version`."""
    if not actor.has_perm("members.change_localgovernment", local_government):
        raise PermissionDenied(_("You may not edit this local government."))
    for field in EDITABLE_PROFILE_FIELDS:
        if field in data:
            setattr(local_government, field, data[field])
    # Recorded by simple-history with the new version.
    local_government._change_reason = "profile edited"  # type: ignore[attr-defined]
    return save_versioned(local_government, expected_version=expected_version)


@transaction.atomic
def mandate_start(
    *,
    person: Person,
    office: str,
    local_government: LocalGovernment,
    start: dt.date,
    end_previous: bool = True,
) -> Mandate:
    """Start a mandate. A new mayor ends the current mayor's mandate the day before."""
    if office == Office.MAYOR and end_previous:
        current = (
            Mandate.objects.select_for_update()
            .filter(local_government=local_government, office=Office.MAYOR, end__isnull=True)
            .first()
        )
        if current is not None:
            if current.start >= start:
                raise ServiceError(
                    _("The new mandate must start after the current mayor's (%(date)s).")
                    % {"date": current.start.isoformat()}
                )
            current.end = start - dt.timedelta(days=1)
            current.save(update_fields=["end", "updated_at"])
    try:
        with transaction.atomic():
            return Mandate.objects.create(
                person=person, office=office, local_government=local_government, start=start
            )
    except IntegrityError:
        raise ServiceError(_("This local government already has a current mayor.")) from None


@transaction.atomic
def mandate_end(*, mandate: Mandate, end: dt.date) -> Mandate:
    if end < mandate.start:
        raise ServiceError(_("A mandate cannot end before it starts."))
    mandate.end = end
    mandate.save(update_fields=["end", "updated_at"])
    return mandate


@transaction.atomic
def dues_record(
    *,
    membership: Membership,
    year: int,
    amount: Decimal,
    currency: str = "EUR",
    paid_on: dt.date | None = None,
) -> Dues:
    """Record (or update) a year's dues for a member."""
    if amount < 0:
        raise ServiceError(_("An amount cannot be negative."))
    if amount > Decimal("10000000"):
        raise ServiceError(_("This amount is implausibly large; check it."))
    currency = currency.upper()
    if not is_known_currency(currency):
        raise ServiceError(_("Unknown currency code: %(code)s.") % {"code": currency})
    if paid_on and paid_on.year < year - 1:
        raise ServiceError(_("Dues cannot be paid more than a year before the year they cover."))
    dues, _created = Dues.objects.update_or_create(
        membership=membership,
        year=year,
        defaults={"amount": amount, "currency": currency, "paid_on": paid_on},
    )
    return dues

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from edile.observatory.models import (
    Act,
    Incident,
    Perpetrator,
    Source,
    Victim,
    ViolationType,
    Witness,
)
from edile.observatory.services import new_reference

SECRET_VICTIM = "Amadou Secretvictim"
SECRET_WITNESS = "Fatou Hiddenwitness"
EXACT_LAT = Decimal("12.345678")
EXACT_LON = Decimal("-7.654321")


def make_incident(
    *,
    victim_name: str = "Public Mayor",
    identity: str = "public",
    confidentiality: str = "public",
    location: str = "public",
    published: bool = True,
    country: str = "ML",
    region: str = "Kayes",
    date: dt.date = dt.date(2024, 5, 3),
    violation: str = "threat",
    witness: str | None = None,
    office: str = "mayor",
    gender: str = "female",
    perpetrator: str = "armed_group",
    status: str | None = None,
    **kwargs: Any,
) -> Incident:
    """An incident with one act, one victim and one alleged perpetrator."""
    defaults: dict[str, Any] = {
        "title": "Menaces contre une maire",
        "title_fr": "Menaces contre une maire",
        "title_en": "Threats against a mayor",
        "summary_fr": "Résumé public.",
        "summary_en": "Public summary.",
        "place": "Kita",
        "latitude": EXACT_LAT,
        "longitude": EXACT_LON,
    }
    defaults.update(kwargs)
    incident = Incident.objects.create(
        reference=new_reference(),
        confidentiality=confidentiality,
        location_confidentiality=location,
        is_published=published,
        verification_status=status or ("verified" if published else "reported"),
        country=country,
        region=region,
        date_start=date,
        **defaults,
    )
    victim = Victim.objects.create(
        incident=incident,
        name=victim_name,
        gender=gender,
        office=office,
        identity_confidentiality=identity,
        contact="+223 555 0101",
    )
    act = Act.objects.create(incident=incident)
    act.violation_types.set(ViolationType.objects.filter(code=violation))
    act.victims.add(victim)
    Perpetrator.objects.create(act=act, perpetrator_type=perpetrator, description="Groupe X")
    Source.objects.create(
        incident=incident, url="https://example.org/news", confidentiality="public"
    )
    if witness:
        Witness.objects.create(incident=incident, name=witness, contact="witness@example.org")
    return incident


def make_secret_incident(**kwargs: Any) -> Incident:
    """A published public incident whose victim, place and witness are confidential."""
    return make_incident(
        victim_name=SECRET_VICTIM,
        identity="confidential",
        location="confidential",
        witness=SECRET_WITNESS,
        **kwargs,
    )

"""Governance demo: the association's bodies as of December 2019.

The Bureau and the two commissions the Phnom Penh report names, with their chairs
(Innovative Cities — Nantes; Living Together — Montréal). Running it twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import TextIO

from django.db import transaction

from edile.governance.models import Body, BodyKind, Seat, SeatRole
from edile.members.models import LocalGovernment

BODIES = [
    ("general-assembly", BodyKind.GENERAL_ASSEMBLY, "Assemblée générale", "General Assembly"),
    ("bureau", BodyKind.BUREAU, "Bureau", "Bureau"),
    (
        "commission-villes-innovantes",
        BodyKind.COMMISSION,
        "Commission Villes innovantes",
        "Innovative Cities Commission",
    ),
    (
        "commission-vivre-ensemble",
        BodyKind.COMMISSION,
        "Commission Vivre-ensemble",
        "Living Together Commission",
    ),
]

# body slug -> [(local government slug, seat role)]
SEATS = {
    "bureau": [
        ("paris", SeatRole.CHAIR),
        ("phnom-penh", SeatRole.VICE_CHAIR),
        ("montreal", SeatRole.VICE_CHAIR),
        ("dakar", SeatRole.VICE_CHAIR),
        ("district-de-bamako", SeatRole.MEMBER),
        ("nantes", SeatRole.MEMBER),
        ("tunis", SeatRole.MEMBER),
        ("kinshasa", SeatRole.MEMBER),
        ("beyrouth", SeatRole.MEMBER),
        ("bruxelles", SeatRole.TREASURER),
        ("ouagadougou", SeatRole.MEMBER),
        ("hue", SeatRole.MEMBER),
        ("libreville", SeatRole.MEMBER),
    ],
    "commission-villes-innovantes": [
        ("nantes", SeatRole.CHAIR),
        ("lyon", SeatRole.MEMBER),
        ("kigali", SeatRole.MEMBER),
        ("dakar", SeatRole.MEMBER),
        ("phnom-penh", SeatRole.MEMBER),
        ("rabat", SeatRole.MEMBER),
    ],
    "commission-vivre-ensemble": [
        ("montreal", SeatRole.CHAIR),
        ("bruxelles", SeatRole.MEMBER),
        ("beyrouth", SeatRole.MEMBER),
        ("cotonou", SeatRole.MEMBER),
        ("geneve", SeatRole.MEMBER),
        ("niamey", SeatRole.MEMBER),
    ],
}
SEATS_FROM = dt.date(2017, 11, 1)


@transaction.atomic
def load(out: TextIO) -> None:
    for slug, kind, name_fr, name_en in BODIES:
        body, _created = Body.objects.update_or_create(
            slug=slug,
            defaults={"kind": kind, "name": name_fr, "name_fr": name_fr, "name_en": name_en},
        )
        for lg_slug, role in SEATS.get(slug, []):
            lg = LocalGovernment.objects.get(slug=lg_slug)
            Seat.objects.get_or_create(
                body=body, local_government=lg, role=role, defaults={"start": SEATS_FROM}
            )
    # Every active member city holds a seat in the General Assembly.
    assembly = Body.objects.get(slug="general-assembly")
    have = set(assembly.seats.values_list("local_government_id", flat=True))
    Seat.objects.bulk_create(
        Seat(
            body=assembly, local_government=lg, role=SeatRole.MEMBER, start=lg.membership.joined_on
        )
        for lg in LocalGovernment.objects.filter(membership__status="active")
        .select_related("membership")
        .exclude(pk__in=have)
    )
    out.write(f"governance: {len(BODIES)} bodies; the Bureau has {len(SEATS['bureau'])} seats\n")

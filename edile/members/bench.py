"""Members benchmark: 10,000 local governments and 50,000 mandates."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import TextIO

from django.db import transaction
from django_countries import countries

from edile.core.benchmarks import measure, measure_against_raw
from edile.members.models import LocalGovernment, Mandate, Membership, Office, Person

LOCAL_GOVERNMENTS = 10_000
MANDATES = 50_000
SIZE = f"{LOCAL_GOVERNMENTS:,} local governments, {MANDATES:,} mandates"


@transaction.atomic
def generate(local_governments: int = LOCAL_GOVERNMENTS, mandates_count: int = MANDATES) -> None:
    """Cities spread over 60 countries and 40 regions, 5 mayors each (the last one current).
    The page-weight test calls it at a smaller size."""
    rng = random.Random(2019)
    codes = [code for code, _name in list(countries)[:60]]
    LocalGovernment.objects.bulk_create(
        LocalGovernment(
            name=f"Ville {i}",
            name_fr=f"Ville {i}",
            name_en=f"City {i}",
            slug=f"bench-{i}",
            country=rng.choice(codes),
            region=f"Région {i % 40}",
            region_fr=f"Région {i % 40}",
            region_en=f"Region {i % 40}",
            population=rng.randint(1_000, 5_000_000),
            latitude=Decimal(rng.uniform(-60, 60)).quantize(Decimal("0.000001")),
            longitude=Decimal(rng.uniform(-170, 170)).quantize(Decimal("0.000001")),
        )
        for i in range(local_governments)
    )
    lgs = list(
        LocalGovernment.objects.filter(slug__startswith="bench-").values_list("pk", flat=True)
    )
    Membership.objects.bulk_create(
        Membership(local_government_id=pk, joined_on=dt.date(2000, 1, 1)) for pk in lgs
    )
    Person.objects.bulk_create(
        Person(given_name=f"Prénom{i}", family_name=f"Nom{i}", is_fictional=True)
        for i in range(mandates_count)
    )
    people = list(
        Person.objects.filter(given_name__startswith="Prénom").values_list("pk", flat=True)
    )
    mandates = []
    for i, person in enumerate(people):
        lg = lgs[i % len(lgs)]
        round_ = i // len(lgs)  # 5 mandates per city: 4 past mayors, the last one current
        start = dt.date(2000 + 4 * round_, 1, 1)
        current = round_ == mandates_count // len(lgs) - 1
        mandates.append(
            Mandate(
                person_id=person,
                local_government_id=lg,
                office=Office.MAYOR,
                start=start,
                end=None if current else start + dt.timedelta(days=4 * 365 - 1),
            )
        )
    Mandate.objects.bulk_create(mandates, batch_size=5000)


def run(out: TextIO) -> None:
    out.write(f"  generating {LOCAL_GOVERNMENTS:,} local governments and {MANDATES:,} mandates…\n")
    generate()
    measure(out, "member list page /fr/members/", "/fr/members/")
    measure(out, "member list page filtered ?country=FR", "/fr/members/?country=FR")
    measure_against_raw(
        out, "member list endpoint (limit=50)", "/api/v1/members/local-governments?limit=50"
    )
    measure_against_raw(
        out,
        "member list endpoint (country=FR, limit=50)",
        "/api/v1/members/local-governments?country=FR&limit=50",
    )
    measure_against_raw(
        out, "member list endpoint (limit=500)", "/api/v1/members/local-governments?limit=500"
    )
    measure(out, "map page /fr/members/map/", "/fr/members/map/")
    measure(out, "map points /fr/members/map/points.geojson", "/fr/members/map/points.geojson")
    measure(out, "CSV export (every city)", "/fr/members/export.csv", repeat=1, stream=True)
    measure(out, "home page /fr/", "/fr/")

"""Members benchmark: 10,000 local governments and 50,000 mandates."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import TextIO
from urllib.parse import urlencode

from django.db import transaction
from django_countries import countries

from edile.core import summaries
from edile.core.benchmarks import compare_over_http, measure, measure_against_raw, refresh_summaries
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
    with summaries.deferred():
        generate()
    # The home page reads every module's stored figures: computed once, then a cold cache.
    refresh_summaries(out, *sorted(summaries.registered()))
    measure(out, "home page /fr/, cold cache after refresh", "/fr/", repeat=1)
    measure(out, "home page /fr/", "/fr/")
    measure(out, "member list page /fr/members/", "/fr/members/")
    measure(out, "member list page filtered ?country=FR", "/fr/members/?country=FR")
    measure_against_raw(
        out, "member list endpoint (limit=50)", "/api/v1/members/local-governments?limit=50"
    )
    country = LocalGovernment.objects.order_by("pk").values_list("country", flat=True)[0]
    measure_against_raw(
        out,
        f"member list endpoint (country={country}, limit=50)",
        f"/api/v1/members/local-governments?country={country}&limit=50",
    )
    measure_against_raw(
        out, "member list endpoint (limit=500)", "/api/v1/members/local-governments?limit=500"
    )
    measure(out, "map page /fr/members/map/", "/fr/members/map/")
    measure(out, "map points /fr/members/map/points.geojson", "/fr/members/map/points.geojson")
    measure(out, "CSV export (every city)", "/fr/members/export.csv", repeat=1, stream=True)
    measure(out, "home page /fr/", "/fr/")
    compare_with_datasette(out, country)


# The API list's answer as one SQL query: what Datasette's `?sql=` serves for the same rows.
NESTED_SQL = """
select lg.id, lg.slug, lg.name_fr, lg.name_en, lg.kind, lg.country, lg.region_fr,
       lg.population, lg.latitude, lg.longitude, lg.website, m.status as membership_status,
       p.id as mayor_id, p.given_name || ' ' || p.family_name as mayor_name,
       p.gender as mayor_gender, p.is_fictional as mayor_is_fictional
from members_localgovernment lg
left join members_membership m on m.local_government_id = lg.id
left join members_mandate md
       on md.local_government_id = lg.id and md.office = 'mayor' and md."end" is null
left join members_person p on p.id = md.person_id
{where}
order by lg.name_fr, lg.id
limit 50
"""


def compare_with_datasette(out: TextIO, country: str) -> None:
    table = "/bench/members_localgovernment.json?_shape=objects&_nosuggest=1&_size=50"
    compare_over_http(
        out,
        [
            (
                "member list (limit=50) vs table",
                "/api/v1/members/local-governments?limit=50",
                table + "&_sort=name_fr",
            ),
            (
                "member list (limit=50) vs ?sql= nested",
                "/api/v1/members/local-governments?limit=50",
                "/bench.json?_shape=objects&" + urlencode({"sql": NESTED_SQL.format(where="")}),
            ),
            (
                f"member list (country={country}) vs table",
                f"/api/v1/members/local-governments?country={country}&limit=50",
                table + f"&_sort=name_fr&country={country}",
            ),
        ],
    )

"""Grants benchmark: 20,000 funded projects with 100,000 transactions (one commitment and four
disbursements each). Prints median time and query count of the dashboard, the project list
and the full IATI export, and the export's peak memory at 2,000 and at 20,000 projects.

`GRANTS_BENCH_PROJECTS` lowers the size for a quick check (the code stays at full size).
"""

from __future__ import annotations

import datetime as dt
import os
import random
from decimal import Decimal
from typing import TextIO

from django.db import transaction

from edile.core import exportfiles, summaries
from edile.core.benchmarks import measure, peak_memory, refresh_summaries
from edile.governance.models import Body, BodyKind
from edile.grants import exportfiles as grants_exportfiles
from edile.grants import exports
from edile.grants.models import (
    SECTOR_DAC,
    Application,
    ApplicationStatus,
    Call,
    CoFinancing,
    Decision,
    Disbursement,
    Grant,
    Indicator,
    Partner,
    Sector,
)
from edile.members.models import LocalGovernment

PROJECTS = int(os.environ.get("GRANTS_BENCH_PROJECTS", "20000"))
FIRST_BATCH = max(1, PROJECTS // 10)  # memory is measured at 2,000 then at 20,000 projects
DISBURSEMENTS_PER_GRANT = 4  # + the commitment = 5 transactions per project
CITIES = 500
COUNTRIES = [
    "SN",
    "ML",
    "BF",
    "CI",
    "KH",
    "VN",
    "LB",
    "CM",
    "MG",
    "TN",
    "MA",
    "HT",
    "BJ",
    "TG",
    "NE",
]
SECTORS = [s for s in Sector.values if s != Sector.OTHER]


@transaction.atomic
def _setup() -> tuple[list[int], dict[int, int], Body, list[int]]:
    rng = random.Random(2019)
    LocalGovernment.objects.bulk_create(
        LocalGovernment(
            name=f"Ville {i}",
            name_fr=f"Ville {i}",
            name_en=f"City {i}",
            slug=f"grants-bench-{i}",
            country=COUNTRIES[i % len(COUNTRIES)],
            latitude=Decimal(rng.uniform(-30, 40)).quantize(Decimal("0.000001")),
            longitude=Decimal(rng.uniform(-20, 110)).quantize(Decimal("0.000001")),
        )
        for i in range(CITIES)
    )
    cities = list(
        LocalGovernment.objects.filter(slug__startswith="grants-bench-").values_list(
            "pk", flat=True
        )
    )
    calls = {}
    for year in range(2000, 2020):
        call = Call.objects.create(
            slug=f"bench-{year}",
            title=f"Appel {year}",
            title_fr=f"Appel {year}",
            title_en=f"Call {year}",
            year=year,
            envelope=Decimal("1000000000"),
            opens_on=dt.date(year, 1, 1),
            closes_on=dt.date(year, 3, 31),
        )
        calls[year] = call.pk
    body, _created = Body.objects.get_or_create(
        slug="bureau",
        defaults={
            "name": "Bureau",
            "name_fr": "Bureau",
            "name_en": "Bureau",
            "kind": BodyKind.BUREAU,
        },
    )
    Partner.objects.bulk_create(
        Partner(
            slug=f"bench-partner-{i}",
            name=f"Partenaire {i}",
            name_fr=f"Partenaire {i}",
            name_en=f"Partner {i}",
            org_type="40",
        )
        for i in range(20)
    )
    partners = list(
        Partner.objects.filter(slug__startswith="bench-partner-").values_list("pk", flat=True)
    )
    return cities, calls, body, partners


@transaction.atomic
def _projects(
    start: int, stop: int, cities: list[int], calls: dict[int, int], body: Body, partners: list[int]
) -> None:
    rng = random.Random(start)
    years = sorted(calls)
    apps = []
    for i in range(start, stop):
        year = years[i % len(years)]
        sector = SECTORS[i % len(SECTORS)]
        apps.append(
            Application(
                call_id=calls[year],
                local_government_id=cities[i % len(cities)],
                reference=f"bench-{i}",
                title=f"Projet {i}",
                title_fr=f"Projet {i}",
                title_en=f"Project {i}",
                summary_fr="Projet de référence.",
                summary_en="Benchmark project.",
                sector=sector,
                dac_code=SECTOR_DAC[sector],
                start=dt.date(year, 6, 1),
                end=dt.date(year + 2, 5, 31),
                grant_requested=Decimal("100000"),
                total_budget=Decimal("400000"),
                cofinancing_eur=Decimal("300000"),
                partnerships_eur=Decimal("300000"),
                beneficiaries=rng.randint(1_000, 100_000),
                status=ApplicationStatus.APPROVED,
                latitude=Decimal("12.5"),
                longitude=Decimal("-1.5"),
                is_fictional=True,
            )
        )
    Application.objects.bulk_create(apps, batch_size=2000)
    app_rows = list(
        Application.objects.filter(reference__in=[a.reference for a in apps]).values_list(
            "pk", "call__year"
        )
    )
    Decision.objects.bulk_create(
        (
            Decision(
                application_id=pk,
                body=body,
                meeting_date=dt.date(year, 5, 15),
                outcome="approved",
                amount=Decimal("100000"),
                reasons="OK",
            )
            for pk, year in app_rows
        ),
        batch_size=2000,
    )
    decisions = dict(
        Decision.objects.filter(application_id__in=[pk for pk, _y in app_rows]).values_list(
            "application_id", "pk"
        )
    )
    Grant.objects.bulk_create(
        (
            Grant(
                application_id=pk,
                decision_id=decisions[pk],
                amount=Decimal("100000"),
                amount_eur=Decimal("100000"),
                disbursed=Decimal("80000"),
                agreement_signed_on=dt.date(year, 6, 1),
            )
            for pk, year in app_rows
        ),
        batch_size=2000,
    )
    grants = list(
        Grant.objects.filter(application_id__in=[pk for pk, _y in app_rows]).values_list(
            "pk", "application__call__year"
        )
    )
    Disbursement.objects.bulk_create(
        (
            Disbursement(grant_id=pk, amount=Decimal("20000"), paid_on=dt.date(year, 7 + n, 1))
            for pk, year in grants
            for n in range(DISBURSEMENTS_PER_GRANT)
        ),
        batch_size=5000,
    )
    CoFinancing.objects.bulk_create(
        (
            CoFinancing(
                application_id=pk,
                partner_id=partners[pk % len(partners)],
                amount=Decimal("300000"),
                currency="EUR",
                status="committed",
                date=dt.date(year, 5, 1),
                amount_eur=Decimal("300000"),
                rate_date=dt.date(year, 5, 1),
            )
            for pk, year in app_rows
        ),
        batch_size=5000,
    )
    Indicator.objects.bulk_create(
        (
            Indicator(
                application_id=pk,
                name="Personnes",
                name_fr="Personnes desservies",
                name_en="People served",
                unit="personnes",
                baseline=0,
                target=5000,
            )
            for pk, _y in app_rows
        ),
        batch_size=5000,
    )


def _export_peak() -> tuple[int, int]:
    def consume() -> int:
        return sum(len(chunk) for chunk in exports.iati_xml_chunks())

    size, peak = peak_memory(consume)
    return size, peak


def run(out: TextIO) -> None:
    out.write(
        f"  generating {PROJECTS:,} projects with {PROJECTS * (DISBURSEMENTS_PER_GRANT + 1):,} transactions…\n"
    )
    # The IATI and 360Giving files are built once, after the last row (core.exportfiles);
    # signals ask for a summary refresh on every saved row: held, and run once after the load.
    with exportfiles.deferred(*grants_exportfiles.KEYS), summaries.deferred():
        cities, calls, body, partners = _setup()
        _projects(0, FIRST_BATCH, cities, calls, body, partners)
        size, peak = _export_peak()
        out.write(
            f"  IATI export peak memory at {FIRST_BATCH:,} projects: {peak / 1e6:.1f} MB ({size / 1e6:.1f} MB of XML)\n"
        )
        for start in range(FIRST_BATCH, PROJECTS, 2000):
            _projects(start, min(start + 2000, PROJECTS), cities, calls, body, partners)
    size, peak = _export_peak()
    out.write(
        f"  IATI export peak memory at {PROJECTS:,} projects: {peak / 1e6:.1f} MB ({size / 1e6:.1f} MB of XML)\n"
    )
    from edile.grants.selectors import DASHBOARD_SUMMARY

    refresh_summaries(out, DASHBOARD_SUMMARY, "members.home")
    measure(out, "dashboard /fr/grants/, cold cache after refresh", "/fr/grants/", repeat=1)
    measure(out, "dashboard /fr/grants/", "/fr/grants/")
    measure(out, "dashboard filtered ?year=2019", "/fr/grants/?year=2019")
    measure(out, "project list /fr/grants/projects/", "/fr/grants/projects/")
    measure(out, "programme summary API", "/api/v1/grants/programme-summary?year=2019")
    measure(
        out,
        "full IATI export (streamed)",
        "/api/v1/grants/iati-activities.xml",
        repeat=1,
        stream=True,
    )

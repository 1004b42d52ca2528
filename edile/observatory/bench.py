"""Benchmarks for the observatory, run by `make bench`: 200,000 incidents.

Measures the public list with filters, the API list, the statistics endpoint and the map
data (median time and query count). `EDILE_BENCH_INCIDENTS` lowers the size for a quick try.
"""

import datetime as dt
import os
import random
import time
from decimal import Decimal
from typing import TextIO

from django.core.cache import cache
from django.db import reset_queries, transaction

from edile.core import exportfiles, summaries
from edile.core.benchmarks import measure, refresh_summaries
from edile.observatory import exportfiles as observatory_exportfiles
from edile.observatory.models import Act, Incident, Perpetrator, Victim, ViolationType
from edile.observatory.services import vocabulary_sync

SIZE = int(os.environ.get("EDILE_BENCH_INCIDENTS", "200000"))
BATCH = 5000
COUNTRIES = [
    "ML",
    "BF",
    "NE",
    "CM",
    "CD",
    "HT",
    "CI",
    "SN",
    "MG",
    "TD",
    "BJ",
    "TG",
    "GN",
    "BI",
    "CF",
    "LB",
    "KH",
    "MX",
    "CO",
    "PH",
]
PERPETRATORS = ["state_agent", "armed_group", "organised_crime", "private_individual", "unknown"]
OFFICES = ["mayor", "deputy_mayor", "councillor", "former_mayor", "candidate", "relative"]


def _generate(out: TextIO) -> None:
    existing = Incident.objects.filter(reference__startswith="BENCH-").count()
    if existing >= SIZE:
        out.write(f"  {existing} benchmark incidents already present\n")
        return
    vocabulary_sync()
    rng = random.Random(4)
    violations = list(ViolationType.objects.all())
    through = Act.violation_types.through
    victims_through = Act.victims.through
    start = time.perf_counter()
    for first in range(existing, SIZE, BATCH):
        last = min(first + BATCH, SIZE)
        with transaction.atomic():
            incidents = []
            for n in range(first, last):
                country = COUNTRIES[n % len(COUNTRIES)]
                published = n % 10 != 0
                incidents.append(
                    Incident(
                        reference=f"BENCH-{n:07d}",
                        title=f"Incident {n}",
                        title_fr=f"Incident {n}",
                        title_en=f"Incident {n}",
                        summary_fr="Incident généré pour le banc d’essai.",
                        summary_en="Incident generated for the benchmark.",
                        confidentiality="public" if n % 7 else "confidential",
                        is_published=published,
                        verification_status="verified" if published else "reported",
                        date_start=dt.date(2015 + n % 11, 1 + n % 12, 1 + n % 28),
                        country=country,
                        region=f"Région {n % 9}",
                        place=f"Commune {n % 500}",
                        latitude=Decimal(rng.randint(-3000, 3000)) / 100,
                        longitude=Decimal(rng.randint(-9000, 9000)) / 100,
                        location_confidentiality="confidential" if n % 3 else "public",
                        motive="confirmed" if n % 2 else "unconfirmed",
                        impunity=["complete", "partial", "full", ""][n % 4],
                        is_fictional=True,
                    )
                )
            incidents = Incident.objects.bulk_create(incidents)
            if incidents[0].pk is None:  # databases that do not return ids
                incidents = list(
                    Incident.objects.filter(reference__gte=f"BENCH-{first:07d}")
                    .filter(reference__lt=f"BENCH-{last:07d}")
                    .order_by("reference")
                )
            victims = Victim.objects.bulk_create(
                [
                    Victim(
                        incident=incident,
                        name=f"Victime {incident.reference}",
                        gender=["female", "male"][i % 2],
                        office=OFFICES[i % len(OFFICES)],
                        identity_confidentiality="confidential",
                    )
                    for i, incident in enumerate(incidents)
                ]
            )
            acts = Act.objects.bulk_create([Act(incident=incident) for incident in incidents])
            through.objects.bulk_create(
                [
                    through(act_id=act.pk, violationtype_id=violations[i % len(violations)].pk)
                    for i, act in enumerate(acts)
                ]
            )
            victims_through.objects.bulk_create(
                [
                    victims_through(act_id=act.pk, victim_id=victim.pk)
                    for act, victim in zip(acts, victims, strict=True)
                ]
            )
            Perpetrator.objects.bulk_create(
                [
                    Perpetrator(act=act, perpetrator_type=PERPETRATORS[i % len(PERPETRATORS)])
                    for i, act in enumerate(acts)
                ]
            )
    out.write(
        f"  generated {SIZE - existing} incidents (with victims, acts, perpetrators) "
        f"in {time.perf_counter() - start:.1f} s\n"
    )


def run(out: TextIO) -> None:
    out.write(f"observatory: {SIZE} incidents\n")
    # The public incidents CSV is built once, after the last row (core.exportfiles), and the
    # summaries refreshed once (core.summaries).
    with exportfiles.deferred(observatory_exportfiles.INCIDENTS), summaries.deferred():
        _generate(out)
    # DEBUG keeps every query of the generation; start the measures from an empty log.
    reset_queries()
    measure(
        out,
        "public list page, filtered (country, year)",
        "/fr/observatory/incidents/?country=BF&year=2020",
    )
    measure(
        out,
        "public list page, filtered (violation)",
        "/fr/observatory/incidents/?violation=kidnapping",
    )
    measure(
        out,
        "API list, filtered (country, year)",
        "/api/v1/observatory/incidents?country=HT&year=2021&limit=50",
    )
    # Public figures are summaries (edile.core.summaries): computed once after the load, as
    # the background task would; a reader with a cold cache (a new worker) reads stored rows.
    from edile.observatory import selectors

    refresh_summaries(out, selectors.STATISTICS_SUMMARY, selectors.POSITIONS_SUMMARY)
    url = "/api/v1/observatory/statistics"
    measure(out, "statistics endpoint, cold cache after refresh", url, repeat=1)
    measure(out, "statistics endpoint, cached for the public", url)
    cache.clear()
    measure(
        out, "statistics page, cold cache after refresh", "/fr/observatory/statistics/", repeat=1
    )
    measure(
        out,
        "statistics endpoint, a filter nobody asked yet (victims, one year): computed once",
        "/api/v1/observatory/statistics?unit=victims&year=2020",
        repeat=1,
    )
    cache.clear()
    measure(
        out, "map data, cold cache after refresh (by country)", "/api/v1/observatory/map", repeat=1
    )
    measure(
        out,
        "map data, cold cache after refresh (by region)",
        "/api/v1/observatory/map?by=region",
        repeat=1,
    )
    measure(out, "map data, cached for the public (by country)", "/api/v1/observatory/map")

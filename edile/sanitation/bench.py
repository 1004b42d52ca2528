"""Sanitation benchmark: a year of a large city's records — 200,000 emptyings, each with its
request, containment and property, about as many trips and plant receptions. Prints the time
and query count of the officer's dashboard and the time of a full reconciliation run.

`SANITATION_BENCH_EMPTYINGS` lowers the size for a quick check (the code stays at full size).
"""

from __future__ import annotations

import datetime as dt
import os
import random
import time
from typing import Any, TextIO

from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from edile.core.benchmarks import measure

EMPTYINGS = int(os.environ.get("SANITATION_BENCH_EMPTYINGS", "200000"))
BATCH = 5000


def _setup() -> dict[str, Any]:
    from edile.accounts.models import User
    from edile.accounts.services import role_grant
    from edile.members.models import LocalGovernment
    from edile.sanitation.models import (
        CitySettings,
        Operator,
        TreatmentSite,
        Vehicle,
        Zone,
    )

    lg, _ = LocalGovernment.objects.get_or_create(
        slug="bench-sanitation-city",
        defaults={
            "name": "Bench City",
            "name_fr": "Ville du banc d'essai",
            "name_en": "Bench City",
            "country": "KH",
            "population": 2_000_000,
        },
    )
    CitySettings.objects.get_or_create(local_government=lg)
    zones = [
        Zone.objects.get_or_create(
            local_government=lg,
            code=f"Z{n:02d}",
            defaults={"name": f"Zone {n}", "is_low_income": n % 4 == 0},
        )[0]
        for n in range(40)
    ]
    operators = [
        Operator.objects.get_or_create(local_government=lg, name=f"Operator {n}")[0]
        for n in range(10)
    ]
    vehicles = [
        Vehicle.objects.get_or_create(
            operator=op, plate=f"B-{i}-{k}", defaults={"tank_capacity_l": 4000 + 1000 * k}
        )[0]
        for i, op in enumerate(operators)
        for k in range(5)
    ]
    sites = [
        TreatmentSite.objects.get_or_create(
            local_government=lg,
            name=f"Plant {n}",
            defaults={"kind": "fstp", "design_capacity_l_per_day": 2_000_000},
        )[0]
        for n in range(3)
    ]
    officer, _ = User.objects.get_or_create(email="bench-sanitation@bench.edile.org")
    role_grant(user=officer, code="sanitation_officer", local_government=lg)
    return {"lg": lg, "zones": zones, "vehicles": vehicles, "sites": sites, "officer": officer}


@transaction.atomic
def _batch(start: int, stop: int, ctx: dict[str, Any], rng: random.Random) -> None:
    from edile.sanitation.models import (
        Containment,
        DesludgingRequest,
        EmptyingEvent,
        PlantReception,
        Property,
        RequestState,
        Trip,
        TripLoad,
    )

    lg, zones, vehicles, sites = ctx["lg"], ctx["zones"], ctx["vehicles"], ctx["sites"]
    closed = RequestState.objects.get(code="closed")
    tz = timezone.get_current_timezone()
    year = timezone.localdate().year
    days = max(1, (timezone.localdate() - dt.date(year, 1, 1)).days)
    props, conts = [], []
    for n in range(start, stop):
        props.append(
            Property(
                local_government=lg,
                zone=zones[n % len(zones)],
                reference=f"BP{n}",
                address=f"{n} bench street",
                is_low_income=n % 7 == 0,
            )
        )
        conts.append(
            Containment(
                local_government=lg,
                reference=f"BC{n}",
                local_type="septic tank",
                sfd_containment="A2",
                sfd_outlet="C5",
                volume_l=3000,
                last_emptied_on=dt.date(year - rng.randint(0, 5), 1, 1),
                next_emptying_due=dt.date(year + rng.randint(-2, 2), 6, 1),
            )
        )
    props = Property.objects.bulk_create(props, batch_size=BATCH)
    conts = Containment.objects.bulk_create(conts, batch_size=BATCH)
    Containment.properties.through.objects.bulk_create(
        [
            Containment.properties.through(containment_id=c.pk, property_id=p.pk)
            for c, p in zip(conts, props, strict=True)
        ],
        batch_size=BATCH,
    )
    requests, moments = [], []
    for n, c in zip(range(start, stop), conts, strict=True):
        vehicle = vehicles[n % len(vehicles)]
        created = dt.datetime.combine(
            dt.date(year, 1, 1) + dt.timedelta(days=n % days), dt.time(8, 0), tz
        )
        moments.append(created)
        requests.append(
            DesludgingRequest(
                local_government=lg,
                reference=f"BR{n}",
                containment=c,
                channel="phone",
                state=closed,
                operator_id=vehicle.operator_id,
                vehicle=vehicle,
                sla_deadline=created + dt.timedelta(hours=48),
                served_at=created + dt.timedelta(hours=rng.randint(4, 80)),
                rating=rng.randint(1, 5),
            )
        )
    requests = DesludgingRequest.objects.bulk_create(requests, batch_size=BATCH)
    emptyings = EmptyingEvent.objects.bulk_create(
        [
            EmptyingEvent(
                local_government=lg,
                request=r,
                containment_id=r.containment_id,
                operator_id=r.operator_id,
                vehicle_id=r.vehicle_id,
                emptied_on=r.served_at.date(),
                volume_l=rng.randint(1500, 3400),
                ppe_gloves=True,
                ppe_boots=True,
                ppe_mask=rng.random() < 0.8,
                ppe_overalls=True,
            )
            for r in requests
        ],
        batch_size=BATCH,
    )
    trips = Trip.objects.bulk_create(
        [
            Trip(
                local_government=lg,
                reference=f"BT{n}",
                operator_id=e.operator_id,
                vehicle_id=e.vehicle_id,
                site=sites[n % len(sites)],
                loaded_at=dt.datetime.combine(e.emptied_on, dt.time(12, 0), tz),
                declared_volume_l=e.volume_l,
                status="received" if n % 50 else "loaded",
            )
            for n, e in zip(range(start, stop), emptyings, strict=True)
        ],
        batch_size=BATCH,
    )
    TripLoad.objects.bulk_create(
        [
            TripLoad(trip=t, emptying=e, volume_l=e.volume_l)
            for t, e in zip(trips, emptyings, strict=True)
        ],
        batch_size=BATCH,
    )
    PlantReception.objects.bulk_create(
        [
            PlantReception(
                local_government=lg,
                site_id=t.site_id,
                trip=t,
                plate_seen="X",
                arrived_at=t.loaded_at + dt.timedelta(hours=1),
                received_volume_l=int(t.declared_volume_l * rng.uniform(0.95, 1.12)),
            )
            for t in trips
            if t.status == "received"
        ],
        batch_size=BATCH,
    )


def run(out: TextIO) -> None:
    from edile.sanitation import services
    from edile.sanitation.models import EmptyingEvent

    ctx = _setup()
    lg = ctx["lg"]
    existing = EmptyingEvent.objects.filter(local_government=lg).count()
    out.write(f"  generating {EMPTYINGS:,} emptyings with their requests, trips and receptions…\n")
    rng = random.Random(14)
    started = time.perf_counter()
    for start in range(existing, EMPTYINGS, BATCH):
        _batch(start, min(start + BATCH, EMPTYINGS), ctx, rng)
    out.write(f"  generated in {time.perf_counter() - started:.0f} s\n")
    # Bulk inserts bypass the signals that mark the summary stale: the task rebuilds it.
    from edile.sanitation import summary

    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        months = summary.rebuild(lg)
        elapsed = (time.perf_counter() - started) * 1000
    out.write(
        f"  monthly summary rebuilt ({months} months, the task) {elapsed:9.1f} ms  "
        f"{len(captured.captured_queries):4d} queries\n"
    )
    client = Client()
    client.force_login(ctx["officer"])
    url = f"/fr/sanitation/city/{lg.slug}/"
    measure(out, "officer's dashboard (a year, all zones)", url, client=client, repeat=3)
    zone = ctx["zones"][3]
    measure(out, "officer's dashboard (one zone)", f"{url}?zone={zone.pk}", client=client, repeat=3)
    from edile.sanitation.models import MonthlySummary

    month = MonthlySummary.objects.filter(local_government=lg, zone__isnull=True).first()
    if month is not None:
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            summary.compute_month(lg, month.year, month.month)
            elapsed = (time.perf_counter() - started) * 1000
        out.write(
            f"  one month recomputed (after a change)      {elapsed:9.1f} ms  "
            f"{len(captured.captured_queries):4d} queries\n"
        )
    for label in ("first", "second (nothing new)"):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            result = services.reconciliation_run(local_government=lg)
            elapsed = (time.perf_counter() - started) * 1000
        out.write(
            f"  reconciliation run, {label:<31} {elapsed:9.1f} ms  "
            f"{len(captured.captured_queries):4d} queries  ({result})\n"
        )

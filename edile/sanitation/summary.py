"""The dashboard's monthly summary table: a city's figures per month, for all zones and for
each zone, so that the dashboard reads 13 × (zones + 1) small rows instead of scanning a
year of records (7.3 s at 200,000 emptyings).

A month's rows are recomputed whole (set-based SQL, one query per table), never patched:
`mark_stale` is called when a request, emptying, trip or reception changes (signals in
apps.py), and `ensure_year` recomputes the stale or missing months of a year before the
dashboard reads them. `manage.py sanitation_refresh_summaries` recomputes them by a task.

A containment shared by properties of two zones counts in each zone (once per zone).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from edile.sanitation.models import (
    Containment,
    DesludgingRequest,
    EmptyingEvent,
    MonthlySummary,
    PlantReception,
    Property,
    Trip,
    TripLoad,
    Zone,
)

COUNTERS = (
    "requests",
    "served",
    "in_time",
    "response_seconds",
    "rating_sum",
    "rated",
    "ppe_said",
    "ppe_yes",
    "emptyings",
    "emptied_l",
    "ppe_complete",
    "collected",
    "emptyings_received",
    "emptyings_low_income",
    "receptions",
    "received_l",
)


def _t(model: Any) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _month_bounds(year: int, month: int) -> tuple[dt.date, dt.date]:
    start = dt.date(year, month, 1)
    end = dt.date(year + (month == 12), month % 12 + 1, 1)
    return start, end


def _moment(day: dt.date) -> Any:
    aware = dt.datetime.combine(day, dt.time.min, timezone.get_current_timezone())
    return connection.ops.adapt_datetimefield_value(aware)


def _seconds(end: str, start: str) -> str:
    if connection.vendor == "sqlite":
        return f"((julianday({end}) - julianday({start})) * 86400.0)"
    return f"EXTRACT(EPOCH FROM ({end} - {start}))"


def _grouped(sql_select: str, table: str, alias: str, where: str, params: list[Any]) -> Any:
    """Run `sql_select` over `table` once for the city (zone None) and once grouped by zone."""
    results: dict[int | None, tuple[Any, ...]] = {}
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {sql_select} FROM {table} {alias} WHERE {where}",  # noqa: S608
            params,
        )
        results[None] = cursor.fetchone()
        # The month's rows first (index range), each with the zones its containment serves,
        # once per zone; then grouped. (Joining a derived table of every containment's zones
        # made SQLite scan it and probe the month for each of 200,000 containments.)
        through = Containment.properties.through
        cursor.execute(
            f"SELECT {alias}.zone_id, {sql_select} FROM ("  # noqa: S608
            f"SELECT DISTINCT {alias}.*, p.zone_id AS zone_id FROM {table} {alias} "
            f"JOIN {_t(through)} cp ON cp.containment_id = {alias}.containment_id "
            f"JOIN {_t(Property)} p ON p.id = cp.property_id WHERE {where}"
            f") {alias} GROUP BY {alias}.zone_id",
            params,
        )
        for row in cursor.fetchall():
            results[row[0]] = row[1:]
    return results


def compute_month(local_government: Any, year: int, month: int) -> None:
    """Recompute one month of a city (all zones and each zone) from the records."""
    lg_id = local_government.pk if hasattr(local_government, "pk") else local_government
    start, end = _month_bounds(year, month)
    rows: dict[int | None, dict[str, Any]] = {None: {}}
    rows.update(
        {
            pk: {}
            for pk in Zone.objects.filter(local_government_id=lg_id).values_list("pk", flat=True)
        }
    )

    requests = _grouped(
        "COUNT(*), "
        "SUM(CASE WHEN r.served_at IS NOT NULL THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN r.served_at <= r.sla_deadline THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN r.served_at IS NOT NULL THEN {_seconds('r.served_at', 'r.created_at')} "
        "ELSE 0 END), "
        "SUM(COALESCE(r.rating, 0)), "
        "SUM(CASE WHEN r.rating IS NOT NULL THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN r.feedback_ppe_worn IS NOT NULL THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN r.feedback_ppe_worn = %s THEN 1 ELSE 0 END)",
        _t(DesludgingRequest),
        "r",
        "r.local_government_id = %s AND r.created_at >= %s AND r.created_at < %s",
        [True, lg_id, _moment(start), _moment(end)],
    )
    for zone, values in requests.items():
        names = ("requests", "served", "in_time", "response_seconds", "rating_sum", "rated")
        names += ("ppe_said", "ppe_yes")
        rows.setdefault(zone, {}).update(zip(names, values, strict=True))

    received = (
        f"EXISTS (SELECT 1 FROM {_t(TripLoad)} l JOIN {_t(Trip)} t ON t.id = l.trip_id "  # noqa: S608
        "WHERE l.emptying_id = e.id AND t.status = %s)"
    )
    through = Containment.properties.through
    low_income = (
        f"EXISTS (SELECT 1 FROM {_t(through)} cp JOIN {_t(Property)} p ON p.id = cp.property_id "  # noqa: S608
        f"JOIN {_t(Zone)} z ON z.id = p.zone_id WHERE cp.containment_id = e.containment_id "
        "AND (p.is_low_income = %s OR z.is_low_income = %s))"
    )
    emptyings = _grouped(
        "COUNT(*), SUM(e.volume_l), "
        "SUM(CASE WHEN e.ppe_gloves = %s AND e.ppe_boots = %s AND e.ppe_mask = %s "
        "AND e.ppe_overalls = %s THEN 1 ELSE 0 END), "
        "SUM(e.amount_collected), "
        f"SUM(CASE WHEN {received} THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN {low_income} THEN 1 ELSE 0 END)",
        _t(EmptyingEvent),
        "e",
        "e.local_government_id = %s AND e.emptied_on >= %s AND e.emptied_on < %s",
        [
            True,
            True,
            True,
            True,
            "received",
            True,
            True,
            lg_id,
            connection.ops.adapt_datefield_value(start),
            connection.ops.adapt_datefield_value(end),
        ],
    )
    for zone, values in emptyings.items():
        names = ("emptyings", "emptied_l", "ppe_complete", "collected")
        names += ("emptyings_received", "emptyings_low_income")
        rows.setdefault(zone, {}).update(zip(names, values, strict=True))

    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*), SUM(received_volume_l) FROM {_t(PlantReception)} "  # noqa: S608
            "WHERE local_government_id = %s AND declined = %s AND arrived_at >= %s "
            "AND arrived_at < %s",
            [lg_id, False, _moment(start), _moment(end)],
        )
        count, volume = cursor.fetchone()
    rows[None].update(receptions=count, received_l=volume)

    now = timezone.now()
    objects = []
    for zone, values in rows.items():
        clean = {name: values.get(name) or 0 for name in COUNTERS}
        clean["collected"] = Decimal(str(clean["collected"]))
        objects.append(
            MonthlySummary(
                local_government_id=lg_id,
                zone_id=zone,
                year=year,
                month=month,
                computed_at=now,
                stale=False,
                **clean,
            )
        )
    with transaction.atomic():
        MonthlySummary.objects.filter(local_government_id=lg_id, year=year, month=month).delete()
        MonthlySummary.objects.bulk_create(objects)


def mark_stale(
    local_government_id: int | None, days: Iterable[dt.date | dt.datetime | None]
) -> None:
    """The months of these days (dates or moments) must be recomputed before being read."""
    if not local_government_id:
        return
    months = set()
    for day in days:
        if day is None:
            continue
        if isinstance(day, dt.datetime):
            day = timezone.localdate(day) if timezone.is_aware(day) else day.date()
        months.add((day.year, day.month))
    for year, month in months:
        MonthlySummary.objects.filter(
            local_government_id=local_government_id, year=year, month=month
        ).update(stale=True)


def ensure_year(local_government: Any, year: int) -> int:
    """Recompute the months of a year that are stale or missing; return how many."""
    present = {
        month
        for month, stale in MonthlySummary.objects.filter(
            local_government=local_government, year=year, zone__isnull=True
        ).values_list("month", "stale")
        if not stale
    }
    # A month after today has no records yet: computed once it starts.
    today = timezone.localdate()
    last = 12 if year < today.year else (today.month if year == today.year else 0)
    todo = [m for m in range(1, 13) if m not in present and m <= last]
    for month in todo:
        compute_month(local_government, year, month)
    return len(todo)


def rebuild(local_government: Any, years: Iterable[int] | None = None) -> int:
    """Recompute every month of the given years (by default, the years with requests)."""
    if years is None:
        years = {
            d.year
            for d in DesludgingRequest.objects.filter(local_government=local_government).dates(
                "created_at", "year"
            )
        } | {
            d.year
            for d in EmptyingEvent.objects.filter(local_government=local_government).dates(
                "emptied_on", "year"
            )
        }
    count = 0
    for year in sorted(years):
        MonthlySummary.objects.filter(local_government=local_government, year=year).update(
            stale=True
        )
        count += ensure_year(local_government, year)
    return count

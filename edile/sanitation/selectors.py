"""Reads for the sanitation pages and API, filtered to what the reader may see."""

from __future__ import annotations

from typing import Any

from django.db.models import FloatField, Func

from edile.sanitation import sfd
from edile.sanitation.models import SfdGridCell, SfdStatus, SfdStudy


def sfd_grid() -> dict[str, sfd.GridEntry]:
    """The selection grid as the calculation reads it: code → branch and variables."""
    return {
        code: sfd.GridEntry(branch=branch, variables=tuple(variables.split()), is_valid=is_valid)
        for code, branch, variables, is_valid in SfdGridCell.objects.values_list(
            "code", "branch", "variables", "is_valid"
        )
    }


def study_matrix(study: SfdStudy) -> list[dict[str, Any]]:
    """A study's rows in the shape `sfd.evaluate` takes."""
    matrix = []
    for row in study.rows.select_related("cell").prefetch_related("variables"):
        entry: dict[str, Any] = {"code": row.cell.code, "population": row.population_share}
        for variable in row.variables.all():
            entry[variable.name] = variable.value
        matrix.append(entry)
    return matrix


def study_result(study: SfdStudy) -> dict[str, Any] | None:
    """The computed flows of a study, or None with the errors when its matrix is incomplete."""
    try:
        return sfd.evaluate(study_matrix(study), sfd_grid())
    except sfd.SfdInputError as exc:
        return {"errors": exc.errors}


def visible_studies(user: Any):
    """Published estimates for everyone; drafts for the city's officers and the secretariat."""
    from django.db.models import Q

    from edile.accounts.selectors import is_staff_role
    from edile.sanitation.permissions import officer_city_ids

    qs = SfdStudy.objects.select_related("local_government")
    if is_staff_role(user):
        return qs
    return qs.filter(
        Q(status=SfdStatus.PUBLISHED) | Q(local_government_id__in=officer_city_ids(user))
    )


def operator_jobs(user: Any):
    """The requests of the operators this account works for — nothing else."""
    from edile.sanitation.models import DesludgingRequest

    return (
        DesludgingRequest.objects.filter(operator__accounts=user)
        .select_related("state", "containment", "vehicle", "operator")
        .order_by("scheduled_for", "sla_deadline")
    )


# --- scheduled emptying ----------------------------------------------------------------------

OVERDUE_LONG_DAYS = 365


def containments_due(local_government: Any, *, on: Any = None, band: str = "") -> Any:
    """The city's containments due for emptying within its horizon (or overdue), with no
    open request, each with its priority band: 1 overdue by more than a year, 2 overdue,
    3 due within the horizon. Ordered by band, then due date."""
    import datetime as dt

    from django.db.models import Case, IntegerField, Value, When
    from django.utils import timezone

    from edile.sanitation.models import CitySettings, Containment, DesludgingRequest

    today = on or timezone.localdate()
    cfg = CitySettings.objects.filter(local_government=local_government).first() or CitySettings()
    horizon = today + dt.timedelta(days=cfg.schedule_horizon_days)
    long_ago = today - dt.timedelta(days=OVERDUE_LONG_DAYS)
    open_requests = DesludgingRequest.objects.filter(state__is_terminal=False).values(
        "containment_id"
    )
    qs = (
        Containment.objects.filter(
            local_government=local_government, next_emptying_due__lte=horizon
        )
        .exclude(pk__in=open_requests)
        .annotate(
            band=Case(
                When(next_emptying_due__lt=long_ago, then=Value(1)),
                When(next_emptying_due__lt=today, then=Value(2)),
                default=Value(3),
                output_field=IntegerField(),
            )
        )
        .order_by("band", "next_emptying_due", "reference")
    )
    if band in {"1", "2", "3"}:
        qs = qs.filter(band=int(band))
    return qs


def due_order(containment: Any) -> tuple[Any, ...]:
    return (getattr(containment, "band", 3), containment.next_emptying_due, containment.reference)


# --- the dashboard ----------------------------------------------------------------------------


def _ratio(part: float | int | None, whole: float | int | None) -> float | None:
    """A share as a fraction (0.5 for half), for the `percent` filter; None when undefined."""
    if not whole:
        return None
    return round(float(part or 0) / float(whole), 4)


class SecondsBetween(Func):
    """`end - start` in seconds, computed by the database itself: Django's duration
    arithmetic on SQLite calls a Python function per row (0.3 s per 50,000 requests)."""

    arity = 2
    output_field = FloatField()

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return super().as_sql(
            compiler, connection, template="EXTRACT(EPOCH FROM (%(expressions)s))", arg_joiner=" - "
        )

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return super().as_sql(
            compiler,
            connection,
            template="((julianday(%(expressions)s)) * 86400.0)",
            arg_joiner=") - julianday(",
        )


def dashboard(local_government: Any, *, year: int, zone_id: int | None = None) -> dict[str, Any]:
    """The city's indicators for a year (optionally one zone), totals and by month.

    The chain's figures are read from the monthly summary table (`summary.py`: stale or
    missing months are recomputed first); the registry's (coverage, overdue) and the open
    flags are counted live on indexed columns. A constant number of queries (see bench.py).
    """
    import datetime as dt

    from django.db.models import Count, Q, Sum
    from django.utils import timezone

    from edile.sanitation import summary
    from edile.sanitation.models import (
        CitySettings,
        Containment,
        MonthlySummary,
        ReconciliationFlag,
        TreatmentSite,
        Zone,
    )

    lg = local_government
    cfg = CitySettings.objects.filter(local_government=lg).first() or CitySettings()
    # The registry's indicators (coverage, overdue) are read as of the end of the year shown.
    today = min(timezone.localdate(), dt.date(year, 12, 31))
    summary.ensure_year(lg, year)
    served_by = Containment.properties.through.objects
    containments = Containment.objects.filter(local_government=lg)
    if zone_id:
        in_zone = served_by.filter(property__zone_id=zone_id).values("containment_id")
        containments = containments.filter(pk__in=in_zone)
    # One read of the year's summary rows: the city's (or the zone's) months, and every
    # zone's for the table by zone.
    summaries = list(
        MonthlySummary.objects.filter(local_government=lg, year=year).values(
            "zone_id", "month", *summary.COUNTERS
        )
    )
    mine = [s for s in summaries if s["zone_id"] == zone_id]
    city_months = {s["month"]: s for s in summaries if s["zone_id"] is None}
    totals = {name: sum(s[name] for s in mine) for name in summary.COUNTERS}
    by_month = {s["month"]: s for s in mine}
    r = {
        "total": totals["requests"],
        "served": totals["served"],
        "in_time": totals["in_time"],
        "response": (totals["response_seconds"] / totals["served"]) if totals["served"] else None,
        "mean_rating": (totals["rating_sum"] / totals["rated"]) if totals["rated"] else None,
        "ppe_said": totals["ppe_said"],
        "ppe_yes": totals["ppe_yes"],
    }
    e = {
        "total": totals["emptyings"],
        "volume": totals["emptied_l"],
        "ppe": totals["ppe_complete"],
        "collected": totals["collected"],
        "received": totals["emptyings_received"],
        "low_income": totals["emptyings_low_income"],
    }
    # Receptions are the plant's: the city's, whatever the zone shown.
    rec = {
        "volume": sum(s["received_l"] for s in city_months.values()),
        "total": sum(s["receptions"] for s in city_months.values()),
    }
    c = containments.aggregate(
        total=Count("pk"),
        covered=Count(
            "pk",
            filter=Q(
                last_emptied_on__gte=today.replace(year=today.year - cfg.coverage_years)
                if not (today.month == 2 and today.day == 29)
                else today - dt.timedelta(days=365 * cfg.coverage_years)
            ),
        ),
        overdue=Count("pk", filter=Q(next_emptying_due__lt=today)),
    )
    capacity = (
        TreatmentSite.objects.filter(local_government=lg).aggregate(
            total=Sum("design_capacity_l_per_day")
        )["total"]
        or 0
    )
    start = dt.date(year, 1, 1)
    end = today if year <= today.year else start
    days = max(1, (end - start).days + 1)
    months: list[dict[str, Any]] = []
    for m in range(1, 13):
        row = by_month.get(m) or {}
        months.append(
            {
                "month": m,
                "requests": row.get("requests", 0),
                "emptyings": row.get("emptyings", 0),
                "emptied_l": row.get("emptied_l", 0),
                "received_l": (city_months.get(m) or {}).get("received_l", 0),
            }
        )
    flags = ReconciliationFlag.objects.filter(local_government=lg, occurred_on__year=year)
    by_rule = {
        row["rule"]: row["n"]
        for row in flags.filter(resolved_at__isnull=True).values("rule").annotate(n=Count("pk"))
    }
    # A containment shared by properties of two zones counts in each.
    per_zone: dict[int, int] = {}
    for row in summaries:
        if row["zone_id"] is not None:
            per_zone[row["zone_id"]] = per_zone.get(row["zone_id"], 0) + row["emptyings"]
    zones = [
        {**z, "emptyings": per_zone.get(z["pk"], 0)}
        for z in Zone.objects.filter(local_government=lg).values("pk", "name", "is_low_income")
    ]
    cost = (cfg.monthly_operating_cost or 0) * 12
    response_hours = None
    if r["response"] is not None:
        response_hours = round(r["response"] / 3600, 1)
    return {
        "year": year,
        "requests": r["total"],
        "served": r["served"],
        "sla_compliance": _ratio(r["in_time"], r["served"]),
        "response_hours": response_hours,
        "rating": round(r["mean_rating"], 2) if r["mean_rating"] is not None else None,
        "feedback_ppe": _ratio(r["ppe_yes"], r["ppe_said"]),
        "emptyings": e["total"],
        "emptied_l": e["volume"] or 0,
        "received_l": rec["volume"] or 0,
        "receptions": rec["total"],
        "safe_desludging": _ratio(e["received"], e["total"]),
        "inclusion": _ratio(e["low_income"], e["total"]),
        "ppe_compliance": _ratio(e["ppe"], e["total"]),
        "collected": e["collected"] or 0,
        "cost_recovery": _ratio(e["collected"], cost) if cost else None,
        "containments": c["total"],
        "coverage": _ratio(c["covered"], c["total"]),
        "overdue": _ratio(c["overdue"], c["total"]),
        "overdue_count": c["overdue"],
        "plant_utilisation": _ratio((rec["volume"] or 0) / days, capacity),
        "open_flags": sum(by_rule.values()),
        "flags_by_rule": by_rule,
        "months": months,
        "zones": zones,
        "currency": cfg.currency,
    }


# --- the programme ----------------------------------------------------------------------------


def programme_summary(programme: Any) -> dict[str, Any]:
    """The plan and the financing round in euros, with the gap to the plan."""
    from django.db.models import Sum

    plan = programme.plan.aggregate(total=Sum("amount_eur"))["total"] or 0
    stages = {
        row["stage"]: row["total"]
        for row in programme.financings.values("stage").annotate(total=Sum("amount_eur"))
    }
    by_partner = list(
        programme.financings.values("partner__name", "stage")
        .annotate(total=Sum("amount_eur"))
        .order_by("partner__name", "stage")
    )
    pledged = stages.get("pledge") or 0
    committed = stages.get("commitment") or 0
    disbursed = stages.get("disbursement") or 0
    return {
        "plan_eur": plan,
        "pledged_eur": pledged,
        "committed_eur": committed,
        "disbursed_eur": disbursed,
        "gap_to_plan_eur": max(plan - committed, 0),
        "gap_after_pledges_eur": max(plan - max(pledged, committed), 0),
        "by_partner": by_partner,
        "plan_by_year": list(
            programme.plan.values("year").annotate(total=Sum("amount_eur")).order_by("year")
        ),
    }


def derived_variables(local_government: Any, *, year: int) -> dict[str, float | None]:
    """F3 and F4 proposed from the service chain's records (to be confirmed by a person).

    F3 ≈ onsite containments emptied at least once ÷ registered containments;
    F4 ≈ sludge volume received at plants ÷ volume emptied, in the year.
    """
    data = dashboard(local_government, year=year)
    from edile.sanitation.models import Containment

    total = Containment.objects.filter(local_government=local_government).count()
    ever = Containment.objects.filter(
        local_government=local_government, times_emptied__gt=0
    ).count()
    f4 = None
    if data["emptied_l"]:
        f4 = round(min(100.0, 100 * data["received_l"] / data["emptied_l"]), 1)
    f3 = None if not total else round(100 * ever / total, 1)
    return {"f3": f3, "f4": f4}


def latest_year(local_government: Any) -> int | None:
    """The year of the city's latest request, for the dashboard's default."""
    from edile.sanitation.models import DesludgingRequest

    last = (
        DesludgingRequest.objects.filter(local_government=local_government)
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    return last.year if last else None

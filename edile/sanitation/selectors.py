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

    A constant number of aggregate queries, whatever the number of records (see bench.py).
    """
    import datetime as dt

    from django.db.models import (
        Avg,
        Count,
        F,
        Q,
        Sum,
    )
    from django.utils import timezone

    from edile.sanitation.models import (
        CitySettings,
        Containment,
        DesludgingRequest,
        EmptyingEvent,
        PlantReception,
        ReconciliationFlag,
        TreatmentSite,
        TripLoad,
        TripStatus,
        Zone,
    )

    lg = local_government
    cfg = CitySettings.objects.filter(local_government=lg).first() or CitySettings()
    # The registry's indicators (coverage, overdue) are read as of the end of the year shown.
    today = min(timezone.localdate(), dt.date(year, 12, 31))
    served_by = Containment.properties.through.objects
    requests = DesludgingRequest.objects.filter(local_government=lg, created_at__year=year)
    emptyings = EmptyingEvent.objects.filter(local_government=lg, emptied_on__year=year)
    containments = Containment.objects.filter(local_government=lg)
    if zone_id:
        in_zone = served_by.filter(property__zone_id=zone_id).values("containment_id")
        requests = requests.filter(containment_id__in=in_zone)
        emptyings = emptyings.filter(containment_id__in=in_zone)
        containments = containments.filter(pk__in=in_zone)
    receptions = PlantReception.objects.filter(
        local_government=lg, arrived_at__year=year, declined=False
    )

    # Months as ranges on the indexed columns, counted in the same scan as the totals: no
    # per-row month extraction (a Python function per row on SQLite) and no extra queries.
    tz = timezone.get_current_timezone()
    bounds = [dt.date(year, m, 1) for m in range(1, 13)] + [dt.date(year + 1, 1, 1)]
    moments = [dt.datetime.combine(d, dt.time.min, tz) for d in bounds]

    def per_month(field: str, marks: list[Any], agg: Any, arg: str = "pk") -> dict[str, Any]:
        return {
            f"m{m}": agg(arg, filter=Q(**{f"{field}__gte": marks[m - 1], f"{field}__lt": marks[m]}))
            for m in range(1, 13)
        }

    response = SecondsBetween(F("served_at"), F("created_at"))
    r = requests.aggregate(
        **per_month("created_at", moments, Count),
        total=Count("pk"),
        served=Count("pk", filter=Q(served_at__isnull=False)),
        in_time=Count("pk", filter=Q(served_at__lte=F("sla_deadline"))),
        response=Avg(response, filter=Q(served_at__isnull=False)),
        mean_rating=Avg("rating"),
        rated=Count("pk", filter=Q(rating__isnull=False)),
        ppe_said=Count("pk", filter=Q(feedback_ppe_worn__isnull=False)),
        ppe_yes=Count("pk", filter=Q(feedback_ppe_worn=True)),
    )
    low_income_ids = served_by.filter(
        Q(property__is_low_income=True) | Q(property__zone__is_low_income=True)
    ).values("containment_id")
    e = emptyings.aggregate(
        total=Count("pk"),
        volume=Sum("volume_l"),
        ppe=Count(
            "pk",
            filter=Q(ppe_gloves=True, ppe_boots=True, ppe_mask=True, ppe_overalls=True),
        ),
        collected=Sum("amount_collected"),
        **per_month("emptied_on", bounds, Count),
        **{f"v{k}": v for k, v in per_month("emptied_on", bounds, Sum, "volume_l").items()},
    )
    # Separate, simple queries: far faster than correlated subqueries at 200,000 emptyings.
    e["received"] = (
        TripLoad.objects.filter(
            emptying_id__in=emptyings.values("pk"), trip__status=TripStatus.RECEIVED
        )
        .values("emptying_id")
        .distinct()
        .count()
    )
    e["low_income"] = emptyings.filter(containment_id__in=low_income_ids).count()
    rec = receptions.aggregate(
        volume=Sum("received_volume_l"),
        total=Count("pk"),
        **per_month("arrived_at", moments, Sum, "received_volume_l"),
    )
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
    months: dict[int, dict[str, Any]] = {
        m: {"month": m, "requests": 0, "emptyings": 0, "emptied_l": 0, "received_l": 0}
        for m in range(1, 13)
    }
    for m, month in months.items():
        month["requests"] = r[f"m{m}"]
        month["emptyings"] = e[f"m{m}"]
        month["emptied_l"] = e[f"vm{m}"] or 0
        month["received_l"] = rec[f"m{m}"] or 0
    flags = ReconciliationFlag.objects.filter(local_government=lg, occurred_on__year=year)
    by_rule = {
        row["rule"]: row["n"]
        for row in flags.filter(resolved_at__isnull=True).values("rule").annotate(n=Count("pk"))
    }
    # A containment shared by properties of two zones counts in each.
    per_zone = {
        row["zone"]: row["n"]
        for row in emptyings.values(zone=F("containment__properties__zone_id")).annotate(
            n=Count("pk")
        )
    }
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
        "months": list(months.values()),
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

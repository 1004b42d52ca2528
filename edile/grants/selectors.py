"""Reads of the grants programme, already filtered to what the user may see and shaped for
the page or endpoint that uses them. Programme figures are computed from records, in SQL."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.utils.translation import get_language
from django_countries import countries as country_names

from edile.accounts.models import RoleCode
from edile.accounts.selectors import has_role, scoped_local_government_ids
from edile.grants.models import (
    Application,
    ApplicationStatus,
    Call,
    CoFinancing,
    Decision,
    Document,
    Grant,
    ProgressReport,
    Review,
    ReviewStatus,
    Sector,
)


def _lang() -> str:
    return "en" if (get_language() or "fr").startswith("en") else "fr"


def call_list() -> QuerySet[Call]:
    return Call.objects.annotate(
        submitted=Count("applications", filter=~Q(applications__status=ApplicationStatus.DRAFT))
    ).order_by("-year", "-opens_on")


def call_by_slug(slug: str) -> Call:
    return Call.objects.get(slug=slug)


def _application_qs() -> QuerySet[Application]:
    return Application.objects.select_related("call", "local_government")


def applications_visible_to(user: Any) -> QuerySet[Application]:
    """Applications a user may open: staff all; focal points their cities'; reviewers theirs."""
    qs = _application_qs()
    if has_role(user, RoleCode.SECRETARIAT, RoleCode.ADMINISTRATOR):
        return qs.order_by("-created_at")
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    condition = Q(local_government_id__in=scoped_local_government_ids(user, RoleCode.FOCAL_POINT))
    condition |= Q(
        pk__in=Review.objects.filter(
            reviewer=user, status__in=[ReviewStatus.IN_PROGRESS, ReviewStatus.SUBMITTED]
        ).values("application_id")
    )
    if has_role(user, RoleCode.BUREAU_MEMBER):
        condition |= Q(
            status__in=[
                ApplicationStatus.SUBMITTED,
                ApplicationStatus.DEFERRED,
                ApplicationStatus.APPROVED,
                ApplicationStatus.REJECTED,
            ]
        )
    return qs.filter(condition).order_by("-created_at")


def application_detail(reference: str) -> Application:
    return (
        _application_qs()
        .prefetch_related(
            "budget_lines",
            "cofinancing__partner",
            "beneficiary_groups",
            "indicators",
            "documents",
            "decisions__body",
        )
        .get(reference=reference)
    )


def reviews_visible_to(user: Any, application: Application) -> list[Review]:
    """Reviews a user may read: staff all; a reviewer their own, and the others only once
    their own is submitted. Nobody else sees scores."""
    reviews = list(application.reviews.select_related("reviewer").order_by("pk"))
    if has_role(user, RoleCode.SECRETARIAT, RoleCode.ADMINISTRATOR):
        return reviews
    own = [r for r in reviews if r.reviewer_id == getattr(user, "pk", None)]
    if not own and has_role(user, RoleCode.BUREAU_MEMBER) and application.status != "draft":
        # The Bureau decides on the file with every submitted review and its scores.
        return [r for r in reviews if r.status == ReviewStatus.SUBMITTED]
    if own and own[0].status == ReviewStatus.SUBMITTED:
        return [r for r in reviews if r.status == ReviewStatus.SUBMITTED or r is own[0]]
    return own


@dataclass(frozen=True)
class RankedApplication:
    application: Application
    average: Decimal | None
    spread: Decimal | None
    reviews: int


def ranking(call: Call) -> list[RankedApplication]:
    """Applications of a call on the Bureau's agenda (submitted, deferred, decided), best average
    score first, then those their city withdrew after submitting, for the Bureau."""
    applications = (
        _application_qs()
        .filter(
            call=call,
            status__in=[
                ApplicationStatus.SUBMITTED,
                ApplicationStatus.DEFERRED,
                ApplicationStatus.APPROVED,
                ApplicationStatus.REJECTED,
                ApplicationStatus.WITHDRAWN,
            ],
        )
        .exclude(status=ApplicationStatus.WITHDRAWN, submitted_at__isnull=True)
        .prefetch_related(
            Prefetch(
                "reviews",
                queryset=Review.objects.filter(status=ReviewStatus.SUBMITTED),
                to_attr="done",
            )
        )
    )
    rows = []
    for application in applications:
        totals = [r.total for r in application.done if r.total is not None]
        average = (sum(totals) / len(totals)).quantize(Decimal("0.01")) if totals else None
        spread = (max(totals) - min(totals)) if len(totals) > 1 else None
        rows.append(RankedApplication(application, average, spread, len(totals)))
    # Withdrawn applications stay on the list, last, so that the Bureau sees what left it.
    rows.sort(
        key=lambda r: (
            r.application.status == ApplicationStatus.WITHDRAWN,
            r.average is None,
            -(r.average or 0),
            r.application.pk,
        )
    )
    return rows


@dataclass(frozen=True)
class ProjectFilters:
    year: int | None = None
    sector: str = ""
    country: str = ""


def projects(filters: ProjectFilters | None = None) -> QuerySet[Application]:
    """Approved projects (public), with city, call and grant in one query."""
    filters = filters or ProjectFilters()
    qs = Application.objects.filter(status=ApplicationStatus.APPROVED).select_related(
        "call", "local_government", "grant"
    )
    if filters.year:
        qs = qs.filter(call__year=filters.year)
    if filters.sector:
        qs = qs.filter(sector=filters.sector)
    if filters.country:
        qs = qs.filter(local_government__country=filters.country.upper())
    return qs.order_by("-call__year", f"title_{_lang()}", "pk")


def project_public(reference: str) -> Application:
    return (
        projects()
        .prefetch_related(
            "beneficiary_groups",
            "indicators",
            Prefetch("cofinancing", queryset=CoFinancing.objects.select_related("partner")),
            "grant__visits",
            "grant__disbursements",
            "grant__tranches",
            "grant__reports",
            Prefetch("documents", queryset=Document.objects.filter(is_public=True)),
        )
        .get(reference=reference)
    )


def results(application: Application) -> list[dict[str, Any]]:
    """Each indicator with its baseline, target and the actual value of every submitted or
    accepted report (one per period), oldest first; the last is the latest actual value."""
    from edile.grants.models import IndicatorValue

    values = (
        IndicatorValue.objects.filter(
            indicator__application=application,
            report__status__in=["submitted", "accepted"],
        )
        .select_related("report")
        .order_by("report__due_on", "report__pk")
    )
    by_indicator: dict[int, list[Any]] = {}
    for value in values:
        by_indicator.setdefault(value.indicator_id, []).append(value)
    rows = []
    for indicator in application.indicators.all():
        periods = [
            {"period": v.report.title, "date": v.report.due_on, "value": v.value}
            for v in by_indicator.get(indicator.pk, [])
        ]
        rows.append(
            {
                "indicator": indicator,
                "periods": periods,
                "actual": periods[-1]["value"] if periods else None,
                "chart_id": f"indicator-chart-{indicator.pk}",
                "chart": [(_baseline_label(), indicator.baseline)]
                + [(p["period"], p["value"]) for p in periods]
                + [(_target_label(), indicator.target)],
            }
        )
    return rows


def _baseline_label() -> str:
    from django.utils.translation import gettext as _

    return _("Baseline")


def _target_label() -> str:
    from django.utils.translation import gettext as _

    return _("Target")


def programme_summary(filters: ProjectFilters | None = None) -> dict[str, Any]:
    """Projects, euros granted, euros of partnerships, leverage and beneficiaries (1 query).

    Partnerships are the stored euro sum of each project's committed or received
    co-financing (kept equal to its lines by `application_totals_refresh`)."""
    filters = filters or ProjectFilters()
    figures = (
        projects(filters)
        .order_by()
        .aggregate(
            projects=Count("pk"),
            granted=Sum("grant__amount_eur"),
            partnerships=Sum("partnerships_eur"),
            beneficiaries=Sum("beneficiaries"),
            disbursed=Sum("grant__disbursed"),
        )
    )
    granted = figures["granted"] or Decimal(0)
    partnerships = figures["partnerships"] or Decimal(0)
    return {
        "projects": figures["projects"],
        "granted_eur": granted,
        "disbursed_eur": figures["disbursed"] or Decimal(0),
        "partnerships_eur": partnerships,
        "leverage": (partnerships / granted).quantize(Decimal("0.01")) if granted else None,
        "beneficiaries": figures["beneficiaries"] or 0,
    }


DIMENSIONS = {
    "year": "call__year",
    "sector": "sector",
    "country": "local_government__country",
}


def breakdown(dimension: str, filters: ProjectFilters | None = None) -> list[dict[str, Any]]:
    """The summary figures grouped by year, sector or country (1 query)."""
    filters = filters or ProjectFilters()
    field = DIMENSIONS[dimension]
    rows = (
        projects(filters)
        .order_by()
        .values(field)
        .annotate(
            projects=Count("pk"),
            granted=Sum("grant__amount_eur"),
            partnerships=Sum("partnerships_eur"),
            beneficiaries=Sum("beneficiaries"),
        )
        .order_by(field)
    )
    result = []
    for row in rows:
        key = row[field]
        granted = row["granted"] or Decimal(0)
        partners = row["partnerships"] or Decimal(0)
        if dimension == "sector":
            label = str(Sector(key).label) if key in Sector.values else key
        elif dimension == "country":
            label = country_names.name(key) or key
        else:
            label = str(key)
        result.append(
            {
                "key": key,
                "label": label,
                "projects": row["projects"],
                "granted_eur": granted,
                "partnerships_eur": partners,
                "leverage": (partners / granted).quantize(Decimal("0.01")) if granted else None,
                "beneficiaries": row["beneficiaries"] or 0,
            }
        )
    return result


def map_points(filters: ProjectFilters | None = None) -> list[dict[str, Any]]:
    """One point per funded city (not per project): the map stays light with 20,000 projects."""
    from django.db.models import Min
    from django.urls import reverse
    from django.utils.translation import ngettext

    name = f"local_government__name_{_lang()}"
    rows = (
        projects(filters)
        .order_by()
        .filter(local_government__latitude__isnull=False, local_government__longitude__isnull=False)
        .values(
            "local_government_id",
            name,
            "local_government__latitude",
            "local_government__longitude",
            "local_government__country",
        )
        .annotate(count=Count("pk"), reference=Min("reference"))
        .order_by("local_government_id")
    )
    points = []
    for r in rows:
        if r["count"] == 1:
            url = reverse("grants:project_detail", kwargs={"reference": r["reference"]})
        else:
            url = reverse("grants:project_list") + f"?country={r['local_government__country']}"
        label = ngettext(
            "%(city)s: %(count)s funded project", "%(city)s: %(count)s funded projects", r["count"]
        ) % {"city": r[name], "count": r["count"]}
        points.append(
            {
                "lat": float(r["local_government__latitude"]),
                "lon": float(r["local_government__longitude"]),
                "label": label,
                "url": url,
            }
        )
    return points


def years() -> list[int]:
    return list(Call.objects.order_by("-year").values_list("year", flat=True).distinct())


def grant_detail(pk: int) -> Grant:
    return (
        Grant.objects.select_related(
            "application__local_government", "application__call", "decision__body"
        )
        .prefetch_related(
            "tranches",
            "disbursements",
            "reports__values__indicator",
            "visits",
            "risks",
            "application__indicators",
        )
        .get(pk=pk)
    )


def timeline(grant: Grant, *, public: bool = False) -> list[dict[str, Any]]:
    """The project's story from records: decision, agreement, payments, reports, visits and,
    for staff only (`public=False`), risks. Money and dates in the reader's language."""
    from django.utils.translation import gettext as _

    from edile.core.formatting import format_money

    application = grant.application
    events: list[dict[str, Any]] = []
    if application.submitted_at:
        events.append(
            {"date": application.submitted_at.date(), "label": _("Application submitted")}
        )
    events.append({"date": grant.decision.meeting_date, "label": _("Approved by the Bureau")})
    if grant.agreement_signed_on:
        events.append({"date": grant.agreement_signed_on, "label": _("Agreement signed")})
    for payment in grant.disbursements.all():
        events.append(
            {
                "date": payment.paid_on,
                "label": _("Payment of %(amount)s")
                % {"amount": format_money(payment.amount, grant.currency)},
            }
        )
    for report in grant.reports.all():
        if report.submitted_on:
            events.append(
                {
                    "date": report.submitted_on,
                    "label": _("Report received: %(title)s") % {"title": report.title},
                }
            )
        else:
            events.append(
                {
                    "date": report.due_on,
                    "label": _("Report due: %(title)s") % {"title": report.title},
                    "late": report.is_late(),
                }
            )
    for visit in grant.visits.all():
        events.append({"date": visit.date, "label": _("Monitoring visit")})
    for risk in [] if public else grant.risks.all():
        events.append(
            {
                "date": risk.raised_on,
                "label": _("Risk flagged: %(description)s") % {"description": risk.description},
            }
        )
    events.sort(key=lambda e: e["date"])
    return events


def late_reports(today: dt.date | None = None) -> QuerySet[ProgressReport]:
    today = today or dt.date.today()
    from django.db.models import Exists, OuterRef

    from edile.accounts.models import RoleAssignment

    reachable = RoleAssignment.objects.filter(
        role__code=RoleCode.FOCAL_POINT,
        local_government_id=OuterRef("grant__application__local_government_id"),
        user__is_active=True,
    )
    return (
        ProgressReport.objects.filter(status__in=["due", "returned"], due_on__lt=today)
        .select_related("grant__application__local_government")
        .annotate(has_recipient=Exists(reachable))
    )


def decisions_of(application: Application) -> QuerySet[Decision]:
    return application.decisions.select_related("body")


def tranche_rows(grant: Grant) -> list[dict[str, Any]]:
    """Each tranche with its unmet conditions and its open payment request, for the grant page."""
    from edile.grants.services import tranche_unmet_conditions

    open_requests = {
        r.tranche_id: r
        for r in grant.payment_requests.filter(status__in=["requested", "approved"]).select_related(
            "requested_by", "decided_by"
        )
    }
    return [
        {
            "tranche": t,
            "unmet": tranche_unmet_conditions(t) if t.status == "planned" else [],
            "request": open_requests.get(t.pk),
        }
        for t in grant.tranches.all()
    ]


# ---------------------------------------------------------------------------------------------
# For governance's congress report (registered in apps.py: governance never imports grants).


@dataclass(frozen=True)
class GrantedProject:
    reference: str
    title: str
    city: str
    country: str
    amount_eur: Decimal
    beneficiaries: int


@dataclass(frozen=True)
class ProjectVisit:
    date: dt.date
    city: str
    project: str
    findings: str


@dataclass(frozen=True)
class MeetingDecisions:
    """What a body decided on grants at some meetings: approvals only, in euros."""

    count: int
    amount_eur: Decimal
    partnerships_eur: Decimal
    beneficiaries: int
    projects: tuple[GrantedProject, ...]
    visits: tuple[ProjectVisit, ...]
    # The governance decisions (Resolution ids) these grants were recorded as, so the report
    # summarises them here instead of listing each one among the decisions.
    resolution_ids: frozenset[int]


def decisions_at_meetings(
    meetings: list[Any], *, visits_between: tuple[dt.date, dt.date] | None = None
) -> MeetingDecisions:
    """The grants approved at these meetings, with their partnerships (committed or received
    co-financing) and beneficiaries, and the monitoring visits of those projects made between
    the two dates (two queries, whatever the number of projects). Public facts only: no
    reviews, scores or recusals."""
    from edile.grants.models import DecisionOutcome, MonitoringVisit

    language = _lang()
    decisions = list(
        Decision.objects.filter(
            meeting__in=[m.pk for m in meetings], outcome=DecisionOutcome.APPROVED
        )
        .select_related("application", "application__local_government", "grant")
        .order_by(f"application__local_government__name_{language}", "application__reference")
    )
    projects = []
    for decision in decisions:
        application = decision.application
        grant = getattr(decision, "grant", None)
        projects.append(
            GrantedProject(
                reference=application.reference,
                title=application.title,
                city=application.local_government.name,
                country=str(application.local_government.country.name),
                amount_eur=grant.amount_eur if grant else (decision.amount or Decimal(0)),
                beneficiaries=application.beneficiaries,
            )
        )
    visits: list[ProjectVisit] = []
    if visits_between and decisions:
        rows = (
            MonitoringVisit.objects.filter(
                grant__decision__in=[d.pk for d in decisions],
                date__gte=visits_between[0],
                date__lte=visits_between[1],
            )
            .select_related("grant__application__local_government", "grant__application")
            .order_by("date", "pk")
        )
        visits = [
            ProjectVisit(
                date=v.date,
                city=v.grant.application.local_government.name,
                project=v.grant.application.title,
                findings=v.findings,
            )
            for v in rows
        ]
    return MeetingDecisions(
        count=len(projects),
        amount_eur=sum((p.amount_eur for p in projects), Decimal(0)),
        partnerships_eur=sum((d.application.partnerships_eur for d in decisions), Decimal(0)),
        beneficiaries=sum(p.beneficiaries for p in projects),
        projects=tuple(projects),
        visits=tuple(visits),
        resolution_ids=frozenset(d.resolution_id for d in decisions if d.resolution_id),
    )


# --- the dashboard, kept as a summary (edile.core.summaries) ---------------------------------

DASHBOARD_SUMMARY = "grants.dashboard"
_DECIMAL_KEYS = ("granted_eur", "disbursed_eur", "partnerships_eur", "leverage")


def dashboard_variant(filters: ProjectFilters) -> str:
    return f"year={filters.year or ''}&sector={filters.sector}&country={filters.country.upper()}"


def dashboard_filters_of(variant: str) -> ProjectFilters:
    parts = dict(part.split("=", 1) for part in variant.split("&")) if variant else {}
    return ProjectFilters(
        year=int(parts["year"]) if parts.get("year") else None,
        sector=parts.get("sector", ""),
        country=parts.get("country", ""),
    )


def dashboard_compute(variant: str, audience: str) -> dict[str, Any]:
    """Every figure of the public dashboard for one filter, in the active language (the
    labels are words). Public data only: one row for every reader."""
    filters = dashboard_filters_of(variant)
    return {
        "summary": programme_summary(filters),
        "by_year": breakdown("year", filters),
        "by_sector": breakdown("sector", filters),
        "by_country": breakdown("country", filters),
        "points": map_points(filters),
        "years": years(),
    }


def _decimals(row: dict[str, Any]) -> dict[str, Any]:
    """JSON keeps amounts as strings: give the templates and the API their Decimals back."""
    return {k: (Decimal(v) if k in _DECIMAL_KEYS and v is not None else v) for k, v in row.items()}


def dashboard(filters: ProjectFilters | None = None) -> tuple[dict[str, Any], Any]:
    """The dashboard's figures from its stored summary, and when they were computed."""
    from edile.core.summaries import language_of, summary_get

    value = summary_get(
        DASHBOARD_SUMMARY,
        variant=dashboard_variant(filters or ProjectFilters()),
        language=language_of(),
    )
    payload = value.payload
    figures = {
        "summary": _decimals(payload["summary"]),
        **{
            name: [_decimals(row) for row in payload[name]]
            for name in ("by_year", "by_sector", "by_country")
        },
        "points": payload["points"],
        "years": payload["years"],
    }
    return figures, value.computed_at

"""The grants API: an adapter over the same selectors and services as the pages."""

from typing import Any

from django.http import Http404, HttpRequest, StreamingHttpResponse
from ninja import Query, Router
from ninja.pagination import LimitOffsetPagination, paginate

from edile.accounts.api_auth import required_user
from edile.governance.models import Body
from edile.grants import exports, selectors, services
from edile.grants.models import Application, Grant
from edile.grants.schemas import (
    ApplicationOut,
    BreakdownRow,
    CallIn,
    CallOut,
    DecisionIn,
    DisbursementIn,
    ProblemOut,
    ProjectOut,
    SummaryFilters,
    SummaryOut,
)

router = Router(tags=["grants"])


def _filters(filters: SummaryFilters) -> selectors.ProjectFilters:
    return selectors.ProjectFilters(
        year=filters.year, sector=filters.sector or "", country=filters.country.upper()
    )


@router.get("/programme-summary", response=SummaryOut)
def programme_summary(request: HttpRequest, filters: Query[SummaryFilters]) -> dict[str, Any]:
    """Projects, euros granted, euros of partnerships, leverage and beneficiaries."""
    return selectors.programme_summary(_filters(filters))


@router.get("/programme-summary/by/{dimension}", response=list[BreakdownRow])
def programme_breakdown(
    request: HttpRequest, dimension: str, filters: Query[SummaryFilters]
) -> list[dict[str, Any]]:
    """The same figures by `year`, `sector` or `country`."""
    if dimension not in selectors.DIMENSIONS:
        raise Http404(f"Unknown dimension {dimension!r}: use year, sector or country.")
    return selectors.breakdown(dimension, _filters(filters))


@router.get("/calls", response=list[CallOut])
def list_calls(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {
            **{f: getattr(c, f) for f in CallOut.model_fields if hasattr(c, f) and f != "is_open"},
            "is_open": c.is_open(),
        }
        for c in selectors.call_list()
    ]


@router.post("/calls", response=CallOut, auth=required_user)
def create_call(request: HttpRequest, payload: CallIn) -> dict[str, Any]:
    """Open a call for projects (secretariat): rules and scoring grid as data."""
    call = services.call_create(actor=request.user, data=payload.dict())
    return {
        **{f: getattr(call, f) for f in CallOut.model_fields if f != "is_open"},
        "is_open": call.is_open(),
    }


def _project(a: Application) -> dict[str, Any]:
    return {
        "reference": a.reference,
        "title_fr": a.title_fr or "",
        "title_en": a.title_en or "",
        "city": a.local_government.name,
        "country": a.local_government.country.code,
        "year": a.call.year,
        "sector": a.sector,
        "dac_code": a.dac_code,
        "start": a.start,
        "end": a.end,
        "granted": a.grant.amount,
        "currency": a.grant.currency,
        "disbursed": a.grant.disbursed,
        "partnerships_eur": a.partnerships_eur,
        "beneficiaries": a.beneficiaries,
        "latitude": float(a.latitude) if a.latitude is not None else None,
        "longitude": float(a.longitude) if a.longitude is not None else None,
        "is_fictional": a.is_fictional,
    }


class _LazyRows:
    """Let the paginator slice the queryset in SQL, then shape only the page's rows."""

    def __init__(self, queryset: Any, shape: Any) -> None:
        self.queryset, self.shape = queryset, shape

    def count(self) -> int:
        return self.queryset.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, item: slice) -> list[dict[str, Any]]:
        return [self.shape(row) for row in self.queryset[item]]


@router.get("/projects", response=list[ProjectOut])
@paginate(LimitOffsetPagination)
def list_projects(request: HttpRequest, filters: Query[SummaryFilters]) -> Any:
    """Funded projects (public). `{"items", "count"}`."""
    return _LazyRows(selectors.projects(_filters(filters)), _project)


@router.get("/projects/{reference}", response=ProjectOut)
def get_project(request: HttpRequest, reference: str) -> dict[str, Any]:
    try:
        return _project(selectors.projects().get(reference=reference))
    except Application.DoesNotExist:
        raise Http404(f"No funded project with reference {reference!r}.") from None


@router.get("/applications", response=list[ApplicationOut], auth=required_user)
@paginate(LimitOffsetPagination)
def list_applications(request: HttpRequest) -> Any:
    """Applications the signed-in user may see (their city's, their reviews, or all for staff)."""
    return _LazyRows(
        selectors.applications_visible_to(request.user),
        lambda a: {
            "reference": a.reference,
            "title": a.title,
            "city": a.local_government.name,
            "call": a.call.slug,
            "status": a.status,
            "grant_requested": a.grant_requested,
            "currency": a.currency,
        },
    )


@router.post("/applications/{reference}/decision", auth=required_user)
def record_decision(request: HttpRequest, reference: str, payload: DecisionIn) -> dict[str, Any]:
    """Record the Bureau's decision; never above the envelope left."""
    application = Application.objects.select_related("call").filter(reference=reference).first()
    if application is None:
        raise Http404(f"No application with reference {reference!r}.")
    body = Body.objects.filter(slug=payload.body).first()
    if body is None:
        raise Http404(f"No body with slug {payload.body!r}.")
    decision = services.decision_record(
        actor=request.user,
        application=application,
        body=body,
        meeting_date=payload.meeting_date,
        outcome=payload.outcome,
        amount=payload.amount,
        reasons=payload.reasons,
        meeting_reference=payload.meeting_reference,
    )
    return {"id": decision.pk, "outcome": decision.outcome, "amount": decision.amount}


@router.post("/grants/{int:grant_id}/disbursements", auth=required_user)
def record_disbursement(
    request: HttpRequest, grant_id: int, payload: DisbursementIn
) -> dict[str, Any]:
    """Pay part of a grant; refused beyond the amount granted."""
    grant = Grant.objects.select_related("decision").filter(pk=grant_id).first()
    if grant is None:
        raise Http404(f"No grant with id {grant_id}.")
    tranche = None
    if payload.tranche is not None:
        tranche = grant.tranches.filter(number=payload.tranche).first()
        if tranche is None:
            raise Http404(f"No tranche {payload.tranche} in this grant.")
    payment = services.disbursement_record(
        actor=request.user,
        grant=grant,
        paid_on=payload.paid_on,
        amount=payload.amount,
        tranche=tranche,
    )
    grant.refresh_from_db()
    return {"id": payment.pk, "amount": payment.amount, "disbursed": grant.disbursed}


@router.get("/iati-activities.xml")
def iati_activities(request: HttpRequest) -> StreamingHttpResponse:
    """IATI 2.03 activities, one per approved project; activities breaking an IATI rule are
    left out with a comment saying why (see /iati-problems)."""
    response = StreamingHttpResponse(
        exports.iati_xml_chunks(), content_type="application/xml; charset=utf-8"
    )
    response["Content-Disposition"] = 'inline; filename="iati-activities.xml"'
    return response


@router.get("/iati-problems", response=list[ProblemOut])
def iati_problems(request: HttpRequest) -> list[dict[str, Any]]:
    """Activities the IATI export refuses to publish, with every reason."""
    return exports.iati_problems()


@router.get("/360giving.json")
def giving(request: HttpRequest) -> StreamingHttpResponse:
    """360Giving 1.4 data package: one grant per approved project."""
    response = StreamingHttpResponse(
        exports.giving_json_chunks(), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = 'inline; filename="360giving.json"'
    return response

"""The grants API: an adapter over the same selectors and services as the pages."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponseBase, StreamingHttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import LimitOffsetPagination, paginate

from edile.accounts.api_auth import required_user
from edile.core import exportfiles
from edile.core.apischema import export_file_responses
from edile.core.errors import ServiceError
from edile.governance.models import Meeting
from edile.grants import exportfiles as grants_exportfiles
from edile.grants import exports, selectors, services
from edile.grants.models import Application, Grant, PaymentRequest
from edile.grants.schemas import (
    ApplicationOut,
    BreakdownRow,
    CallIn,
    CallOut,
    DecisionIn,
    DecisionOut,
    Detail,
    DisbursementIn,
    DisbursementOut,
    PaymentRequestIn,
    PaymentRequestOut,
    ProblemOut,
    ProjectOut,
    RefusalIn,
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
    return selectors.dashboard(_filters(filters))[0]["summary"]


@router.get("/programme-summary/by/{dimension}", response=list[BreakdownRow])
def programme_breakdown(
    request: HttpRequest, dimension: str, filters: Query[SummaryFilters]
) -> list[dict[str, Any]]:
    """The same figures by `year`, `sector` or `country`."""
    if dimension not in selectors.DIMENSIONS:
        raise Http404(f"Unknown dimension {dimension!r}: use year, sector or country.")
    figures: list[dict[str, Any]] = selectors.dashboard(_filters(filters))[0][f"by_{dimension}"]
    return figures


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


ERRORS = {400: Detail, 403: Detail, 404: Detail, 409: Detail}


@router.post(
    "/applications/{reference}/decision",
    auth=required_user,
    response={200: DecisionOut, 401: Detail, **ERRORS},
)
def record_decision(request: HttpRequest, reference: str, payload: DecisionIn) -> dict[str, Any]:
    """Record the decision of a Bureau meeting: the meeting's body must be allowed to decide
    grants; never above the envelope left (409, also when two decisions race)."""
    # Who may decide at all is checked before any lookup: a 404 would tell anyone else which
    # references and meetings exist. The per-application check (recusal) is the service's.
    if not request.user.has_perm("grants.decide"):
        raise PermissionDenied(_("Only the Bureau or the secretariat records decisions."))
    application = (
        Application.objects.select_related("call", "local_government")
        .filter(reference=reference)
        .first()
    )
    if application is None:
        raise Http404(f"No application with reference {reference!r}.")
    meeting = Meeting.objects.select_related("body").filter(slug=payload.meeting).first()
    if meeting is None:
        raise Http404(f"No meeting with slug {payload.meeting!r}.")
    if payload.body and (meeting.body is None or payload.body != meeting.body.slug):
        raise ServiceError(
            _("The body “%(body)s” did not hold the meeting “%(meeting)s”.")
            % {"body": payload.body, "meeting": meeting.slug}
        )
    decision = services.decision_record(
        actor=request.user,
        application=application,
        meeting=meeting,
        decided_on=payload.decided_on,
        outcome=payload.outcome,
        amount=payload.amount,
        reasons=payload.reasons,
        review_override=payload.review_override,
    )
    return {
        "id": decision.pk,
        "outcome": decision.outcome,
        "amount": decision.amount,
        "meeting": meeting.slug,
        "decided_on": decision.meeting_date,
        "resolution": decision.resolution.slug if decision.resolution_id else None,
    }


def _grant(grant_id: int, user: Any = None) -> Grant:
    """The grant, once the user is known to manage grants at all (403 before 404: the ids of
    grants are not told to people who may not manage them)."""
    if user is not None and not user.has_perm("grants.manage_grant"):
        raise PermissionDenied(_("Only the secretariat manages grants."))
    grant = Grant.objects.select_related("decision", "application").filter(pk=grant_id).first()
    if grant is None:
        raise Http404(f"No grant with id {grant_id}.")
    return grant


def _payment_request_out(r: PaymentRequest) -> dict[str, Any]:
    return {
        "id": r.pk,
        "status": r.status,
        "amount": r.amount,
        "tranche": r.tranche.number if r.tranche_id else None,
        "requested_by": str(r.requested_by),
        "decided_by": str(r.decided_by) if r.decided_by_id else None,
    }


@router.post(
    "/grants/{int:grant_id}/payment-requests",
    auth=required_user,
    response={201: PaymentRequestOut, 401: Detail, **ERRORS},
)
def request_payment(request: HttpRequest, grant_id: int, payload: PaymentRequestIn) -> Status:
    """Request a payment (a tranche, or an amount): refused until the agreement is signed and
    the tranche's conditions are met, and while a report is overdue unless a reason is given."""
    grant = _grant(grant_id, request.user)
    tranche = None
    if payload.tranche is not None:
        tranche = grant.tranches.filter(number=payload.tranche).first()
        if tranche is None:
            raise Http404(f"No tranche {payload.tranche} in this grant.")
    payment_request = services.payment_request_create(
        actor=request.user,
        grant=grant,
        tranche=tranche,
        amount=payload.amount,
        overdue_override=payload.overdue_override,
        comment=payload.comment,
    )
    return Status(201, _payment_request_out(payment_request))


def _payment_request(pk: int, user: Any = None) -> PaymentRequest:
    if user is not None and not user.has_perm("grants.manage_grant"):
        raise PermissionDenied(_("Only the secretariat manages grants."))
    payment_request = (
        PaymentRequest.objects.select_related("grant", "tranche", "requested_by", "decided_by")
        .filter(pk=pk)
        .first()
    )
    if payment_request is None:
        raise Http404(f"No payment request with id {pk}.")
    return payment_request


@router.post(
    "/payment-requests/{int:pk}/approve",
    auth=required_user,
    response={200: PaymentRequestOut, 401: Detail, **ERRORS},
)
def approve_payment(request: HttpRequest, pk: int) -> dict[str, Any]:
    """Approve a payment request: by someone other than the requester (four eyes)."""
    payment_request = services.payment_request_approve(
        actor=request.user, payment_request=_payment_request(pk, request.user)
    )
    return _payment_request_out(_payment_request(payment_request.pk))


@router.post(
    "/payment-requests/{int:pk}/refuse",
    auth=required_user,
    response={200: PaymentRequestOut, 401: Detail, **ERRORS},
)
def refuse_payment(request: HttpRequest, pk: int, payload: RefusalIn) -> dict[str, Any]:
    payment_request = services.payment_request_refuse(
        actor=request.user,
        payment_request=_payment_request(pk, request.user),
        comment=payload.comment,
    )
    return _payment_request_out(_payment_request(payment_request.pk))


@router.post(
    "/grants/{int:grant_id}/disbursements",
    auth=required_user,
    response={200: DisbursementOut, 401: Detail, **ERRORS},
)
def record_disbursement(
    request: HttpRequest, grant_id: int, payload: DisbursementIn
) -> dict[str, Any]:
    """Pay an approved payment request; refused without a signed agreement, without an
    approval by a second person, or beyond the amount granted."""
    grant = _grant(grant_id, request.user)
    payment_request = PaymentRequest.objects.filter(pk=payload.payment_request).first()
    if grant.agreement_signed_on is None:
        raise ServiceError(_("No payment before the grant agreement is signed."))
    if payment_request is None:
        raise Http404(f"No payment request with id {payload.payment_request}.")
    payment = services.disbursement_record(
        actor=request.user, grant=grant, paid_on=payload.paid_on, payment_request=payment_request
    )
    grant.refresh_from_db()
    return {"id": payment.pk, "amount": payment.amount, "disbursed": grant.disbursed}


@router.get("/iati-activities.xml", openapi_extra=export_file_responses())
def iati_activities(request: HttpRequest) -> HttpResponseBase:
    """IATI 2.03 activities, one per approved project; activities breaking an IATI rule are
    left out with a comment saying why (see /iati-problems). Served from the file built
    after the last change (`ETag`, `Last-Modified`; 304 to a conditional GET), or streamed
    while it is being rebuilt."""
    stored = exportfiles.serve(request, grants_exportfiles.IATI)
    if stored is not None:
        return stored
    response = StreamingHttpResponse(
        exports.iati_xml_chunks(), content_type="application/xml; charset=utf-8"
    )
    response["Content-Disposition"] = 'inline; filename="iati-activities.xml"'
    return response


@router.get("/iati-problems", response=list[ProblemOut])
def iati_problems(request: HttpRequest) -> list[dict[str, Any]]:
    """Activities the IATI export refuses to publish, with every reason."""
    return exports.iati_problems()


@router.get("/360giving.json", openapi_extra=export_file_responses())
def giving(request: HttpRequest) -> HttpResponseBase:
    """360Giving 1.4 data package: one grant per approved project (a stored file like the
    IATI export, streamed while it is being rebuilt)."""
    stored = exportfiles.serve(request, grants_exportfiles.GIVING)
    if stored is not None:
        return stored
    response = StreamingHttpResponse(
        exports.giving_json_chunks(), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = 'inline; filename="360giving.json"'
    return response

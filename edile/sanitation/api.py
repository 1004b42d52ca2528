"""The sanitation API: the SFD calculator, and an adapter for operators' apps."""

from decimal import Decimal
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Router, Status

from edile.accounts.api_auth import required_user
from edile.sanitation import selectors, services
from edile.sanitation.models import DesludgingRequest
from edile.sanitation.schemas import (
    EmptyingIn,
    EmptyingOut,
    JobOut,
    SanitationErrorOut,
    SfdEvaluateIn,
    SfdEvaluateOut,
    StudyOut,
    TransitionIn,
)

router = Router(tags=["sanitation"])


@router.post(
    "/sfd/evaluate",
    response={200: SfdEvaluateOut, 400: SanitationErrorOut, 422: SanitationErrorOut},
)
def sfd_evaluate(request: HttpRequest, payload: SfdEvaluateIn) -> Any:
    """Compute an SFD-style matrix: shares and rates in percent, flows named as the SFD's arrows.

    400 names each row at fault: shares that do not sum to 100, a rate outside 0–100, an
    unknown or impossible grid code, a variable on a row it does not apply to.
    """
    rows = [row.model_dump(exclude_none=True) for row in payload.rows]
    return Status(200, services.sfd_evaluate(rows=rows))


# --- SFD-style estimates (public when published) ---------------------------------------------


def _study_out(study: Any) -> dict[str, Any]:
    result = selectors.study_result(study) or {}
    return {
        "id": study.pk,
        "city": study.local_government.name,
        "year": study.year,
        "title": study.title,
        "level": study.level,
        "basis": study.basis,
        "status": study.status,
        "is_fictional": study.is_fictional,
        "sdg_621_safely_managed": study.sdg_621_safely_managed,
        "result": None if "errors" in result else result or None,
        "errors": result.get("errors", []),
    }


@router.get("/sfd/studies", response={200: list[StudyOut]})
def study_list(request: HttpRequest) -> Any:
    """The SFD-style estimates the caller may see, with their computed flows."""
    return [_study_out(s) for s in selectors.visible_studies(request.auth)]


@router.get("/sfd/studies/{study_id}", response={200: StudyOut, 404: SanitationErrorOut})
def study_get(request: HttpRequest, study_id: int) -> Any:
    study = selectors.visible_studies(request.auth).filter(pk=study_id).first()
    if study is None:
        raise Http404("No such estimate.")
    return _study_out(study)


# --- the operators' apps -------------------------------------------------------------------


def _job_out(job: Any) -> dict[str, Any]:
    first = job.containment.properties.select_related("zone").first()
    return {
        "id": job.pk,
        "reference": job.reference,
        "state": job.state.code,
        "containment": job.containment.reference,
        "local_type": job.containment.local_type,
        "address": first.address if first else "",
        "zone": first.zone.name if first else "",
        "scheduled_for": job.scheduled_for,
        "sla_deadline": job.sla_deadline,
        "trips_estimated": job.trips_estimated,
        "vehicle": job.vehicle.plate if job.vehicle else None,
    }


@router.get("/jobs", response={200: list[JobOut], 401: SanitationErrorOut}, auth=required_user)
def job_list(request: HttpRequest) -> Any:
    """The open jobs of the operators the caller works for (an operator's app); no personal data."""
    jobs = selectors.operator_jobs(request.auth).filter(state__is_terminal=False)
    return [_job_out(j) for j in jobs]


def _own_job(request: HttpRequest, job_id: int) -> Any:
    job = (
        DesludgingRequest.objects.select_related("state", "containment", "vehicle", "operator")
        .filter(pk=job_id)
        .first()
    )
    if job is None or not request.auth.has_perm("sanitation.work_job", job):
        raise Http404("No such job.")
    return job


@router.post(
    "/jobs/{job_id}/transition",
    response={
        200: JobOut,
        400: SanitationErrorOut,
        401: SanitationErrorOut,
        403: SanitationErrorOut,
        404: SanitationErrorOut,
    },
    auth=required_user,
)
def job_transition(request: HttpRequest, job_id: int, payload: TransitionIn) -> Any:
    """Move a job on (e.g. `decline` with a note); `accept` needs the web page's vehicle and date."""
    job = _own_job(request, job_id)
    job = services.request_transition(
        actor=request.auth, request=job, action=payload.action, note=payload.note
    )
    return _job_out(job)


@router.post(
    "/jobs/{job_id}/emptying",
    response={
        201: EmptyingOut,
        400: SanitationErrorOut,
        401: SanitationErrorOut,
        403: SanitationErrorOut,
        404: SanitationErrorOut,
        409: SanitationErrorOut,
        422: SanitationErrorOut,
    },
    auth=required_user,
)
def job_emptying(request: HttpRequest, job_id: int, payload: EmptyingIn) -> Any:
    """Record the emptying of a scheduled job: volume in litres (never negative), PPE worn."""
    job = _own_job(request, job_id)
    event = services.emptying_record(
        actor=request.auth,
        request=job,
        volume_l=payload.volume_l,
        trips=payload.trips,
        emptied_on=payload.emptied_on,
        receipt_number=payload.receipt_number,
        amount_collected=Decimal(str(payload.amount_collected)),
        latitude=None if payload.latitude is None else Decimal(str(payload.latitude)),
        longitude=None if payload.longitude is None else Decimal(str(payload.longitude)),
        ppe={
            "gloves": payload.ppe_gloves,
            "boots": payload.ppe_boots,
            "mask": payload.ppe_mask,
            "overalls": payload.ppe_overalls,
        },
    )
    return Status(
        201,
        {
            "id": event.pk,
            "request": job.reference,
            "containment": event.containment.reference,
            "volume_l": event.volume_l,
            "emptied_on": event.emptied_on,
        },
    )

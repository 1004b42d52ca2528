"""The governance API: an adapter over the same selectors and services as the pages."""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import LimitOffsetPagination, paginate

from edile.accounts.api_auth import required_user
from edile.core.errors import ServiceError
from edile.governance import evaluation, exports, selectors, services
from edile.governance.models import Meeting, Resolution, Vote
from edile.governance.schemas import (
    BallotIn,
    BallotOut,
    CheckInIn,
    CheckInOut,
    ErrorOut,
    MeetingFilters,
    MeetingOut,
    RegistrationIn,
    RegistrationOut,
    ResolutionDetailOut,
    ResolutionFilters,
    ResolutionOut,
    RuleEvaluateIn,
    RuleEvaluateOut,
    VoteFilters,
    VoteOut,
)
from edile.members.models import LocalGovernment

router = Router(tags=["governance"])


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


def _meeting(m: Meeting) -> dict[str, Any]:
    return {
        "slug": m.slug,
        "kind": m.kind,
        "title": m.title,
        "title_fr": m.title_fr,
        "title_en": m.title_en,
        "start": m.start,
        "end": m.end,
        "timezone": m.timezone,
        "venue": m.venue or "",
        "body": m.body.slug if m.body_id else None,
        "congress": m.parent.slug if m.parent_id else None,
        "capacity": m.capacity,
        "url": m.get_absolute_url(),
    }


def _resolution(r: Resolution) -> dict[str, Any]:
    return {
        "slug": r.slug,
        "number": r.number,
        "kind": r.kind,
        "state": r.state,
        "title": r.title,
        "title_fr": r.title_fr,
        "title_en": r.title_en,
        "body": r.body.slug,
        "meeting": r.meeting.slug if r.meeting_id else None,
        "decided_on": r.decided_on,
        "topics": [t.slug for t in r.topics.all()],
        "url": r.get_absolute_url(),
    }


def _vote(v: Vote) -> dict[str, Any]:
    return {
        "id": v.pk,
        "resolution": v.resolution.slug,
        "amendment": v.amendment.number if v.amendment_id else None,
        "meeting": v.meeting.slug,
        "mode": v.mode,
        "status": v.status,
        "entitled": v.entitled,
        "present": v.present,
        "represented": v.represented,
        "yes": v.yes,
        "no": v.no,
        "abstain": v.abstain,
        "result": v.result,
        "explanation": v.explanation,
        "rule": v.rule_snapshot,
    }


@router.get("/popolo.json", response=dict)
def popolo(request: HttpRequest, lang: str = "fr") -> Any:
    """Persons, organizations, memberships, posts, events, motions and vote events (Popolo)."""
    if lang not in ("fr", "en"):
        raise ServiceError(_("lang: use fr or en."))
    return exports.popolo_document(lang)


@router.get("/meetings", response=list[MeetingOut])
@paginate(LimitOffsetPagination)
def list_meetings(request: HttpRequest, filters: Query[MeetingFilters]) -> Any:
    """Congresses and sessions; `congress=<slug>` lists one congress's programme."""
    qs = selectors.meeting_list(
        request.user,
        kind=filters.kind,
        congress=filters.congress,
        body=filters.body,
        year=filters.year,
    )
    return _LazyRows(qs, _meeting)


@router.get("/meetings/{slug}", response=MeetingOut)
def get_meeting(request: HttpRequest, slug: str) -> Any:
    try:
        return _meeting(selectors.meeting_detail(request.user, slug))
    except Meeting.DoesNotExist:
        raise Http404(_("No meeting with this slug.")) from None


@router.get("/resolutions", response=list[ResolutionOut])
@paginate(LimitOffsetPagination)
def list_resolutions(request: HttpRequest, filters: Query[ResolutionFilters]) -> Any:
    """Resolutions and decisions, filtered by words, state, kind, topic, body or session."""
    qs = selectors.resolution_list(request.user, selectors.ResolutionFilters(**filters.dict()))
    return _LazyRows(qs, _resolution)


@router.get("/resolutions/{slug}", response=ResolutionDetailOut)
def get_resolution(request: HttpRequest, slug: str) -> Any:
    try:
        r = selectors.resolution_detail(request.user, slug)
    except Resolution.DoesNotExist:
        raise Http404(_("No resolution with this slug.")) from None
    versions = list(r.versions.all())
    paragraphs = [
        {"number": p.number, "text_fr": p.text_fr, "text_en": p.text_en}
        for p in (versions[-1].paragraphs.all() if versions else [])
    ]
    return {
        **_resolution(r),
        "authentic_language": r.authentic_language,
        "paragraphs": paragraphs,
        "votes": [v.pk for v in r.votes.all()],
    }


@router.get("/votes", response=list[VoteOut])
@paginate(LimitOffsetPagination)
def list_votes(request: HttpRequest, filters: Query[VoteFilters]) -> Any:
    """Votes with their counts, the rule applied and the computed result."""
    qs = selectors.vote_list(
        request.user, meeting=filters.meeting, result=filters.result, resolution=filters.resolution
    )
    return _LazyRows(qs, _vote)


@router.post("/votes/{vote_id}/ballots", response={201: BallotOut}, auth=required_user)
def cast_ballot(request: HttpRequest, vote_id: int, payload: BallotIn) -> Any:
    """A delegate casts their city's vote (or the vote of a city whose proxy it holds)."""
    try:
        vote = selectors.vote_detail(request.user, vote_id)
    except Vote.DoesNotExist:
        raise Http404(_("No vote with this id.")) from None
    lg = LocalGovernment.objects.filter(slug=payload.local_government).first()
    if lg is None:
        raise ServiceError(_("local_government: no city with this slug."))
    ballot = services.ballot_cast(
        user=request.user, vote=vote, local_government=lg, option=payload.option
    )
    return Status(
        201,
        {
            "vote": vote.pk,
            "local_government": lg.slug,
            "option": ballot.option,
            "by_proxy": ballot.by_proxy,
        },
    )


@router.post("/congresses/{slug}/registrations", response={201: RegistrationOut})
def register(request: HttpRequest, slug: str, payload: RegistrationIn) -> Any:
    """Register for a congress; the answer's token is the registrant's key and badge code."""
    try:
        congress = selectors.meeting_detail(request.user, slug)
    except Meeting.DoesNotExist:
        raise Http404(_("No congress with this slug.")) from None
    try:
        validate_email(payload.email)
    except ValidationError:
        raise ServiceError(_("email: enter a valid e-mail address.")) from None
    lg = None
    if payload.local_government:
        lg = LocalGovernment.objects.filter(slug=payload.local_government).first()
        if lg is None:
            raise ServiceError(_("local_government: no city with this slug."))
    sessions = list(Meeting.objects.filter(parent=congress, slug__in=payload.sessions))
    if len(sessions) != len(set(payload.sessions)):
        raise ServiceError(_("sessions: a slug is not a session of this congress."))
    registration = services.registration_create(
        congress=congress,
        given_name=payload.given_name,
        family_name=payload.family_name,
        email=payload.email,
        type=payload.type,
        gender=payload.gender,
        local_government=lg,
        organisation=payload.organisation,
        language=payload.language,
        consent_to_list=payload.consent_to_list,
        sessions=sessions,
        user=request.user if request.user.is_authenticated else None,
    )
    signups = {s.session.slug: s.status for s in registration.signups.select_related("session")}
    return Status(
        201, {"token": registration.token, "status": registration.status, "sessions": signups}
    )


@router.post("/check-in", response=CheckInOut, auth=required_user)
def check_in(request: HttpRequest, payload: CheckInIn) -> Any:
    """Scan a badge (the secretariat): marks the person, and their city, present."""
    registration, first = services.registration_check_in(user=request.user, token=payload.code)
    return {
        "registration": str(registration),
        "first_scan": first,
        "local_government": registration.local_government.slug
        if registration.local_government_id
        else None,
    }


@router.post("/rules/evaluate", response={200: RuleEvaluateOut, 400: ErrorOut, 422: ErrorOut})
def evaluate_rule(request: HttpRequest, payload: RuleEvaluateIn) -> Any:
    """Evaluate a decision rule on counts with the one function every vote goes through:
    quorum reached, tie, adopted, the fewest yes votes that would have adopted it, and the
    explanation in French and English. Anyone may call it."""
    return evaluation.evaluate_payload(payload.dict()).as_api()

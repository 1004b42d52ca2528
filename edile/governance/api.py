"""The governance API: an adapter over the same selectors and services as the pages."""

from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import LimitOffsetPagination, paginate

from edile.accounts.api_auth import required_user
from edile.core.errors import ServiceError
from edile.governance import elections, evaluation, exports, selectors, services
from edile.governance.models import Amendment, Election, Meeting, Resolution, Vote
from edile.governance.schemas import (
    AmendmentDecisionIn,
    AmendmentIn,
    AmendmentOut,
    BallotIn,
    BallotOut,
    CheckInIn,
    CheckInOut,
    ElectionBallotIn,
    ElectionBallotOut,
    ElectionDetailOut,
    ElectionOut,
    ErrorOut,
    MeetingFilters,
    MeetingOut,
    RegistrationIn,
    RegistrationOut,
    RegistrationTypeOut,
    ResolutionDetailOut,
    ResolutionFilters,
    ResolutionIn,
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
def popolo(request: HttpRequest, lang: Literal["fr", "en"] = "fr") -> Any:
    """Persons, organizations, memberships, posts, events, motions and vote events (Popolo)."""
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


def _resolution_detail(r: Resolution) -> dict[str, Any]:
    versions = list(r.versions.all())
    paragraphs = [
        {"number": p.number, "key": p.key, "text_fr": p.text_fr, "text_en": p.text_en}
        for p in (versions[-1].paragraphs.all() if versions else [])
    ]
    return {
        **_resolution(r),
        "authentic_language": r.authentic_language,
        "version": versions[-1].number if versions else 0,
        "paragraphs": paragraphs,
        "votes": [v.pk for v in r.votes.all()],
        "amendments": [a.pk for a in r.amendments.all()],
    }


def _amendment(a: Amendment, conflicts: dict[int, list[Amendment]]) -> dict[str, Any]:
    return {
        "id": a.pk,
        "number": a.number,
        "resolution": a.resolution.slug,
        "version": a.base_version.number if a.base_version_id else None,
        "paragraph": a.paragraph_number,
        "paragraph_key": a.paragraph_key,
        "action": a.operation,
        "state": a.state,
        "text_fr": a.text_fr or "",
        "text_en": a.text_en or "",
        "conflicts_with": [b.pk for b in conflicts.get(a.pk, [])],
    }


@router.get("/resolutions/{slug}", response={200: ResolutionDetailOut, 404: ErrorOut})
def get_resolution(request: HttpRequest, slug: str) -> Any:
    """A resolution with its current text's paragraphs in both languages."""
    try:
        r = selectors.resolution_detail(request.user, slug)
    except Resolution.DoesNotExist:
        raise Http404(_("No resolution with this slug.")) from None
    return _resolution_detail(r)


@router.post(
    "/resolutions",
    response={201: ResolutionDetailOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    auth=required_user,
)
def create_resolution(request: HttpRequest, payload: ResolutionIn) -> Any:
    """Table a resolution at a session (the secretariat): titles and texts in both languages,
    split into numbered paragraphs (a blank line separates them)."""
    meeting = Meeting.objects.filter(slug=payload.meeting).first()
    if meeting is None:
        raise Http404(_("meeting: no session with this slug."))
    r = services.resolution_create(
        user=request.user,
        meeting=meeting,
        title_fr=payload.title_fr,
        title_en=payload.title_en,
        text_fr=payload.text_fr,
        text_en=payload.text_en,
        number=payload.number,
        kind=payload.kind,
    )
    return Status(201, _resolution_detail(selectors.resolution_detail(request.user, r.slug)))


@router.post(
    "/resolutions/{slug}/amendments",
    response={201: AmendmentOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    auth=required_user,
)
def submit_amendment(request: HttpRequest, slug: str, payload: AmendmentIn) -> Any:
    """Submit an amendment to paragraph `paragraph` of version `version` (replace, delete or
    insert a paragraph after it); the answer flags the pending amendments it conflicts with."""
    try:
        r = selectors.resolution_detail(request.user, slug)
    except Resolution.DoesNotExist:
        raise Http404(_("No resolution with this slug.")) from None
    submitter = None
    if payload.local_government:
        submitter = LocalGovernment.objects.filter(slug=payload.local_government).first()
        if submitter is None:
            raise ServiceError(_("local_government: no city with this slug."))
    a = services.amendment_submit(
        user=request.user,
        resolution=r,
        version=payload.version,
        paragraph_number=payload.paragraph,
        operation=payload.action,
        text_fr=payload.text_fr,
        text_en=payload.text_en,
        justification_fr=payload.justification_fr,
        justification_en=payload.justification_en,
        submitter=submitter,
    )
    r = selectors.resolution_detail(request.user, slug)
    a = next(x for x in r.amendments.all() if x.pk == a.pk)
    return Status(201, _amendment(a, selectors.amendment_conflicts(r)))


@router.post(
    "/amendments/{amendment_id}/decision",
    response={200: AmendmentOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    auth=required_user,
)
def decide_amendment(request: HttpRequest, amendment_id: int, payload: AmendmentDecisionIn) -> Any:
    """Adopt or reject an amendment: `{"decision": "adopted"|"rejected"}` by the secretariat,
    or `{"vote": id}` from a closed vote on it (a vote's result cannot be overridden)."""
    a = (
        Amendment.objects.select_related("resolution", "resolution__meeting")
        .filter(pk=amendment_id)
        .first()
    )
    if (
        a is None
        or a.resolution.state == "draft"
        and not request.user.has_perm("governance.manage")
    ):
        raise Http404(_("No amendment with this id."))
    vote = None
    if payload.vote is not None:
        vote = Vote.objects.filter(pk=payload.vote).first()
        if vote is None:
            raise ServiceError(_("vote: no vote with this id."))
    adopted = None if payload.decision is None else payload.decision == "adopted"
    services.amendment_decide(user=request.user, amendment=a, adopted=adopted, vote=vote)
    r = selectors.resolution_detail(request.user, a.resolution.slug)
    a = next(x for x in r.amendments.all() if x.pk == a.pk)
    return _amendment(a, selectors.amendment_conflicts(r))


@router.get("/votes", response=list[VoteOut])
@paginate(LimitOffsetPagination)
def list_votes(request: HttpRequest, filters: Query[VoteFilters]) -> Any:
    """Votes with their counts, the rule applied and the computed result."""
    qs = selectors.vote_list(
        request.user, meeting=filters.meeting, result=filters.result, resolution=filters.resolution
    )
    return _LazyRows(qs, _vote)


@router.post(
    "/votes/{vote_id}/ballots",
    response={201: BallotOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    auth=required_user,
)
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
    rtype = registration.registration_type
    return Status(
        201,
        {
            "token": registration.token,
            "status": registration.status,
            "type": registration.type,
            "type_name": {"fr": rtype.name_fr, "en": rtype.name_en or rtype.name_fr}
            if rtype
            else {"fr": registration.type, "en": registration.type},
            "sessions": signups,
        },
    )


@router.get(
    "/congresses/{slug}/registration-types",
    response={200: list[RegistrationTypeOut], 404: ErrorOut},
)
def registration_type_list(request: HttpRequest, slug: str) -> Any:
    """A congress's active registration types (what `type` in a registration takes: the
    code), with fee, quota and places taken; those the secretariat alone uses are listed to
    it only."""
    from edile.governance.registration_types import (
        offered_types,
        registration_types_ensure_defaults,
    )

    try:
        congress = selectors.meeting_detail(request.user, slug)
    except Meeting.DoesNotExist:
        raise Http404(_("No congress with this slug.")) from None
    if not congress.is_congress:
        raise Http404(_("No congress with this slug."))
    registration_types_ensure_defaults(congress=congress)
    return [
        {
            "code": t.code,
            "name": {"fr": t.name_fr, "en": t.name_en or t.name_fr},
            "fee": f"{t.fee:.2f}",
            "currency": t.currency,
            "quota": t.quota,
            "places_taken": t.taken,
            "eligibility": t.eligibility,
            "gives_badge": t.gives_badge,
            "gives_voting_right": t.gives_voting_right,
        }
        for t in offered_types(congress, request.user)
    ]


@router.post(
    "/check-in",
    response={200: CheckInOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    auth=required_user,
)
def check_in(request: HttpRequest, payload: CheckInIn) -> Any:
    """Scan a badge (the secretariat): at the congress desk (`congress`) it records arrival;
    at a session's door (`session`) it makes the delegate's city present at that session."""
    congress = session = None
    if payload.congress:
        congress = Meeting.objects.filter(slug=payload.congress, kind="congress").first()
        if congress is None:
            raise Http404(_("No congress with this slug."))
    if payload.session:
        session = Meeting.objects.filter(slug=payload.session).first()
        if session is None:
            raise Http404(_("meeting: no session with this slug."))
    registration, first = services.registration_check_in(
        user=request.user, token=payload.code, congress=congress, session=session
    )
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


# ---------------------------------------------------------------------------------------------
# Elections (issue 10, item 9): the same selectors and services as the pages.


def _election(e: Any) -> dict[str, Any]:
    return {
        "id": e.pk,
        "title_fr": e.title_fr,
        "title_en": e.title_en,
        "meeting": e.meeting.slug,
        "body": e.body.slug,
        "seats": e.seats,
        "seat_role": e.seat_role,
        "term_years": e.term_years,
        "round_rules": list(e.round_rules or []),
        "status": e.status,
        "url": e.get_absolute_url(),
    }


@router.get("/elections", response=list[ElectionOut])
@paginate(LimitOffsetPagination)
def list_elections(request: HttpRequest) -> Any:
    """Elections: the published ones (all of them for the secretariat)."""
    return _LazyRows(elections.election_list(request.user), _election)


@router.get("/elections/{election_id}", response={200: ElectionDetailOut, 404: ErrorOut})
def get_election(request: HttpRequest, election_id: int) -> Any:
    """An election with its candidates and, once published (or for the secretariat), each
    closed round's counts, rule, votes required and explanation in French and English."""
    try:
        election = elections.election_detail(request.user, election_id)
    except Election.DoesNotExist:
        raise Http404(_("No election with this id, or its results are not published.")) from None
    show = elections.results_visible(request.user, election)
    rounds = []
    for r in election.rounds.order_by("number"):
        closed = r.status == "closed" and show
        rounds.append(
            {
                "number": r.number,
                "rule": r.rule,
                "seats_to_fill": r.seats_to_fill,
                "status": r.status,
                "ballots": r.ballots if closed else None,
                "blank": r.blank if closed else None,
                "required": r.required if closed else None,
                "tie": r.tie if closed else "",
                "results": [
                    {"candidate": row["candidate"].pk, "votes": row["votes"]}
                    for row in elections.round_rows(r)
                ]
                if closed
                else [],
                "explanation": {"fr": r.explanation_fr, "en": r.explanation_en} if closed else {},
            }
        )
    return {
        **_election(election),
        "candidates": [
            {
                "id": c.pk,
                "name": c.display_name,
                "person": c.person_id,
                "local_government": c.local_government.slug,
                "withdrawn": c.withdrawn,
                "elected_in_round": c.elected_in_round if show else None,
                "elected_by_lot": c.elected_by_lot if show else False,
            }
            for c in election.candidates.select_related("person", "local_government")
        ],
        "rounds": rounds,
    }


@router.post(
    "/elections/{election_id}/ballots",
    response={201: ElectionBallotOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    auth=required_user,
)
def cast_election_ballot(request: HttpRequest, election_id: int, payload: ElectionBallotIn) -> Any:
    """A city's voting delegate casts its secret ballot in the open round: up to the round's
    seats candidates (`candidates`, their ids) or a blank ballot (`blank: true`)."""
    try:
        election = elections.election_detail(request.user, election_id)
    except Election.DoesNotExist:
        raise Http404(_("No election with this id.")) from None
    lg = LocalGovernment.objects.filter(slug=payload.local_government).first()
    if lg is None:
        raise ServiceError(_("local_government: no city with this slug."))
    receipt = elections.election_ballot_cast(
        user=request.user,
        election=election,
        local_government=lg,
        candidates=payload.candidates,
        blank=payload.blank,
    )
    return Status(
        201,
        {
            "election": election.pk,
            "round": receipt.round.number,
            "local_government": lg.slug,
            "by_proxy": receipt.by_proxy,
        },
    )

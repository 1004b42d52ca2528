"""Writes of the governance module: meetings, registration, resolutions, votes, minutes, prize.

Every function is keyword-only, atomic, and checks permission itself, so the pages, the API
and the demo share one set of rules.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from edile.accounts.selectors import has_role
from edile.core.concurrency import save_versioned
from edile.core.errors import ServiceError
from edile.governance import selectors
from edile.governance.evaluation import Counts, evaluate, rule_from_snapshot
from edile.governance.models import (
    Amendment,
    AmendmentOperation,
    AmendmentState,
    Attendance,
    AttendanceSource,
    AttendanceStatus,
    Ballot,
    BallotOption,
    BallotReceipt,
    ConflictDeclaration,
    JuryReview,
    Meeting,
    MeetingKind,
    Minutes,
    MinutesStatus,
    Nomination,
    NominationStatus,
    Paragraph,
    Proxy,
    Registration,
    RegistrationStatus,
    RegistrationTypeCode,
    Resolution,
    ResolutionEvent,
    ResolutionKind,
    ResolutionState,
    ResolutionVersion,
    SecretTally,
    SessionSignup,
    SignupStatus,
    Vote,
    VoteMode,
    VoteResult,
    VoteStatus,
    VotingDelegate,
    VotingUnit,
    WorkflowTransition,
)
from edile.members.models import Gender, LocalGovernment, MembershipStatus

# Registration types whose check-in makes their city present at statutory sessions, for a
# registration without a type row (written outside `registration_create`).
VOTING_TYPES = {RegistrationTypeCode.MAYOR, RegistrationTypeCode.DELEGATION_MEMBER}


def _gives_voting_right(registration: Registration) -> bool:
    if registration.registration_type_id is not None:
        return registration.registration_type.gives_voting_right
    return registration.type in VOTING_TYPES


# A resolution can be put to the vote only in these states.
VOTABLE_STATES = {ResolutionState.TABLED, ResolutionState.AMENDED}


def _require(user: Any, perm: str, obj: Any = None) -> None:
    if not user.has_perm(perm, obj):
        raise PermissionDenied(_("You are not allowed to do this."))


# ---------------------------------------------------------------------------------------------
# Attendance and proxies


@transaction.atomic
def attendance_record(
    *,
    user: Any,
    meeting: Meeting,
    local_government: LocalGovernment,
    status: str,
    source: str = AttendanceSource.MANUAL,
    person: Any = None,
) -> Attendance:
    """Record (or correct) a city's attendance at a session."""
    _require(user, "governance.manage", meeting)
    if status not in AttendanceStatus.values:
        raise ServiceError(_("Unknown attendance status."))
    attendance, _created = Attendance.objects.update_or_create(
        meeting=meeting,
        local_government=local_government,
        defaults={"status": status, "source": source, "person": person},
    )
    return attendance


@transaction.atomic
def proxy_grant(
    *, user: Any, meeting: Meeting, grantor: LocalGovernment, holder: LocalGovernment
) -> Proxy:
    """`grantor` gives its vote at `meeting` to `holder`, within the meeting's cap per holder."""
    _require(user, "governance.act_for_city", grantor)
    if grantor.pk == holder.pk:
        raise ServiceError(_("A city cannot hold its own proxy."))
    # Lock the meeting row so that two proxies for the same holder cannot both pass the cap.
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    entitled = selectors.entitled_city_ids(meeting)
    if grantor.pk not in entitled or holder.pk not in entitled:
        raise ServiceError(_("Both cities must hold a seat in the body that meets."))
    if Proxy.objects.filter(meeting=meeting, grantor=grantor).exists():
        raise ServiceError(_("This city has already given a proxy for this meeting."))
    if Proxy.objects.filter(meeting=meeting, grantor=holder).exists():
        raise ServiceError(_("The holder has itself given its proxy: choose another city."))
    held = Proxy.objects.filter(meeting=meeting, holder=holder).count()
    if held >= meeting.proxy_cap:
        raise ServiceError(
            _("%(holder)s already holds %(count)d proxies, the most allowed at this meeting.")
            % {"holder": holder, "count": held}
        )
    proxy = Proxy.objects.create(meeting=meeting, grantor=grantor, holder=holder)
    Attendance.objects.update_or_create(
        meeting=meeting,
        local_government=grantor,
        defaults={"status": AttendanceStatus.REPRESENTED, "source": AttendanceSource.PROXY},
    )
    return proxy


# ---------------------------------------------------------------------------------------------
# Registration


def _send_registration_mail(registration: Registration) -> None:
    """Tell the registrant where they stand, in their own language."""
    if not registration.email:
        return
    with translation.override(registration.language):
        context = {
            "registration": registration,
            "congress": registration.congress,
            "status": registration.get_status_display(),
            "url": settings.SITE_URL
            + reverse("governance:registration_detail", kwargs={"token": registration.token}),
        }
        subject = _("Your registration for %(congress)s") % {"congress": registration.congress}
        body = render_to_string("governance/email/registration.txt", context)
    send_mail(subject, body, None, [registration.email], fail_silently=True)


def _place_in_session(registration: Registration, session: Meeting) -> SessionSignup:
    # The row lock serialises concurrent sign-ups for the same session (PostgreSQL); SQLite
    # serialises writers anyway. Either way the last place cannot be given twice.
    session = Meeting.objects.select_for_update().get(pk=session.pk)
    taken = SessionSignup.objects.filter(session=session, status=SignupStatus.CONFIRMED).count()
    full = session.capacity is not None and taken >= session.capacity
    status = SignupStatus.WAITLISTED if full else SignupStatus.CONFIRMED
    signup, _created = SessionSignup.objects.update_or_create(
        registration=registration, session=session, defaults={"status": status}
    )
    return signup


@transaction.atomic
def registration_create(
    *,
    congress: Meeting,
    given_name: str,
    family_name: str,
    email: str,
    type: str,
    gender: str = Gender.UNKNOWN,
    local_government: LocalGovernment | None = None,
    organisation: str = "",
    country: str = "",
    language: str = "fr",
    consent_to_list: bool = False,
    sessions: list[Meeting] | None = None,
    user: Any = None,
    is_fictional: bool = False,
    now: dt.datetime | None = None,
    send_email: bool = True,
) -> Registration:
    """Register a person for a congress and the sessions they chose.

    Beyond the congress's or a session's capacity, the place goes to the waiting list.
    """
    now = now or timezone.now()
    # Lock the congress first, and decide from its stored settings, not the caller's copy.
    congress = Meeting.objects.select_for_update().get(pk=congress.pk)
    if not congress.is_congress:
        raise ServiceError(_("Registration is open for congresses only."))
    if congress.registration_opens and now < congress.registration_opens:
        raise ServiceError(_("Registration for this congress is not open yet."))
    if congress.registration_closes and now > congress.registration_closes:
        raise ServiceError(_("Registration for this congress is closed."))
    if gender not in Gender.values:
        raise ServiceError(_("Choose a gender from the list (or “unknown”)."))
    email = (email or "").strip().lower()
    if email and Registration.objects.filter(congress=congress, email=email).exists():
        raise ServiceError(_("This e-mail address is already registered for this congress."))
    from edile.governance.registration_types import registration_type_for

    rtype = registration_type_for(
        congress=congress, code=type, user=user, local_government=local_government
    )
    sessions = sessions or []
    if any(s.parent_id != congress.pk for s in sessions):
        raise ServiceError(_("A chosen session does not belong to this congress."))
    if congress.moderation_required:
        status = RegistrationStatus.PENDING
    else:
        confirmed = Registration.objects.filter(
            congress=congress, status=RegistrationStatus.CONFIRMED
        ).count()
        full = congress.capacity is not None and confirmed >= congress.capacity
        status = RegistrationStatus.WAITLISTED if full else RegistrationStatus.CONFIRMED
    try:
        with transaction.atomic():
            registration = Registration.objects.create(
                congress=congress,
                user=user,
                given_name=given_name.strip(),
                family_name=family_name.strip(),
                email=email,
                type=rtype.code,
                registration_type=rtype,
                gender=gender,
                local_government=local_government,
                organisation=organisation,
                country=country or (local_government.country.code if local_government else ""),
                language=language if language in ("fr", "en") else "fr",
                consent_to_list=consent_to_list,
                status=status,
                is_fictional=is_fictional,
            )
    except IntegrityError:
        raise ServiceError(
            _("This e-mail address is already registered for this congress.")
        ) from None
    for session in sessions:
        _place_in_session(registration, session)
    if send_email:
        transaction.on_commit(lambda: _send_registration_mail(registration))
    return registration


def _promote_waitlist(session: Meeting) -> None:
    session = Meeting.objects.select_for_update().get(pk=session.pk)
    taken = SessionSignup.objects.filter(session=session, status=SignupStatus.CONFIRMED).count()
    free = None if session.capacity is None else session.capacity - taken
    waiting = SessionSignup.objects.filter(
        session=session, status=SignupStatus.WAITLISTED
    ).order_by("created_at", "pk")
    for signup in waiting[: free if free is not None else None]:
        signup.status = SignupStatus.CONFIRMED
        signup.save(update_fields=["status", "updated_at"])


def _promote_congress_waitlist(congress: Meeting) -> None:
    congress = Meeting.objects.select_for_update().get(pk=congress.pk)
    if congress.capacity is None:
        return
    confirmed = Registration.objects.filter(
        congress=congress, status=RegistrationStatus.CONFIRMED
    ).count()
    waiting = Registration.objects.filter(
        congress=congress, status=RegistrationStatus.WAITLISTED
    ).order_by("created_at", "pk")[: max(congress.capacity - confirmed, 0)]
    for registration in waiting:
        registration.status = RegistrationStatus.CONFIRMED
        registration.save(update_fields=["status", "updated_at"])
        transaction.on_commit(lambda r=registration: _send_registration_mail(r))


@transaction.atomic
def registration_cancel(*, registration: Registration) -> Registration:
    """The registrant (who holds the registration's code) cancels: their places go to the
    people waiting, first come first served."""
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status in (RegistrationStatus.CANCELLED, RegistrationStatus.REJECTED):
        raise ServiceError(_("This registration is already cancelled."))
    if registration.checked_in_at is not None:
        raise ServiceError(_("You have already checked in: ask the desk to cancel."))
    was_confirmed = registration.status == RegistrationStatus.CONFIRMED
    registration.status = RegistrationStatus.CANCELLED
    registration.save(update_fields=["status", "updated_at"])
    sessions = list(Meeting.objects.filter(signups__registration=registration))
    registration.signups.update(status=SignupStatus.CANCELLED)
    for session in sessions:
        _promote_waitlist(session)
    if was_confirmed:
        _promote_congress_waitlist(registration.congress)
    return registration


@transaction.atomic
def registration_moderate(*, user: Any, registration: Registration, approve: bool) -> Registration:
    """The secretariat approves (within capacity, else waiting list) or rejects a registration."""
    _require(user, "governance.manage", registration.congress)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    allowed = {RegistrationStatus.PENDING, RegistrationStatus.WAITLISTED}
    if registration.status not in allowed:
        raise ServiceError(_("Only a pending or waiting registration can be moderated."))
    if approve:
        congress = Meeting.objects.select_for_update().get(pk=registration.congress_id)
        confirmed = Registration.objects.filter(
            congress=congress, status=RegistrationStatus.CONFIRMED
        ).count()
        full = congress.capacity is not None and confirmed >= congress.capacity
        registration.status = (
            RegistrationStatus.WAITLISTED if full else (RegistrationStatus.CONFIRMED)
        )
    else:
        registration.status = RegistrationStatus.REJECTED
        sessions = list(Meeting.objects.filter(signups__registration=registration))
        registration.signups.update(status=SignupStatus.CANCELLED)
        for session in sessions:
            _promote_waitlist(session)
    registration.save(update_fields=["status", "updated_at"])
    transaction.on_commit(lambda: _send_registration_mail(registration))
    return registration


@transaction.atomic
def registration_check_in(
    *,
    user: Any,
    token: str,
    congress: Meeting | None = None,
    session: Meeting | None = None,
    now: dt.datetime | None = None,
) -> tuple[Registration, bool]:
    """Scan a badge at the congress desk (arrival at the congress) or at a session's door.

    At a statutory session's door, a mayor's or delegation member's badge makes their city
    present at *that* session, which is what its quorum counts; the desk records arrival only.
    A badge of another congress is refused before anything is written.

    Returns the registration and whether this scan was the first one (at the desk: the first
    arrival; at a door: the city's first entry to that session).
    """
    _require(user, "governance.check_in")
    try:
        code = uuid.UUID(str(token).strip().rsplit("/", 1)[-1])
        registration = (
            Registration.objects.select_for_update(of=("self",))
            .select_related("congress", "local_government")
            .get(token=code)
        )
    except (Registration.DoesNotExist, ValueError):
        raise ServiceError(_("No registration has this badge code.")) from None
    if session is not None and session.parent_id != registration.congress_id:
        raise ServiceError(_("This badge is for another congress."))
    if congress is not None and registration.congress_id != congress.pk:
        raise ServiceError(_("This badge is for another congress."))
    if registration.status != RegistrationStatus.CONFIRMED:
        raise ServiceError(
            _("This registration is not confirmed (%(status)s): send the person to the desk.")
            % {"status": registration.get_status_display()}
        )
    first = registration.checked_in_at is None
    if first:
        registration.checked_in_at = now or timezone.now()
        registration.save(update_fields=["checked_in_at", "updated_at"])
    if session is None:
        return registration, first
    if session.body_id is None:
        return registration, first
    if not registration.local_government_id or not _gives_voting_right(registration):
        raise ServiceError(
            _(
                "%(name)s is welcome, but is not a mayor or delegation member: the city's "
                "attendance is unchanged."
            )
            % {"name": registration}
        )
    if registration.local_government_id not in selectors.entitled_city_ids(session):
        raise ServiceError(
            _("%(city)s does not hold a seat in the body that meets.")
            % {"city": registration.local_government}
        )
    attendance = Attendance.objects.filter(
        meeting=session, local_government_id=registration.local_government_id
    ).first()
    entered = attendance is None or attendance.status != AttendanceStatus.PRESENT
    Attendance.objects.update_or_create(
        meeting=session,
        local_government_id=registration.local_government_id,
        defaults={
            "status": AttendanceStatus.PRESENT,
            "source": AttendanceSource.CHECK_IN,
            "person": None,
        },
    )
    return registration, entered


@transaction.atomic
def attendance_check_out(
    *, user: Any, meeting: Meeting, local_government: LocalGovernment
) -> Attendance:
    """A city leaves the session: it is no longer present (nor do the proxies it holds count)."""
    _require(user, "governance.manage", meeting)
    attendance = Attendance.objects.filter(
        meeting=meeting, local_government=local_government
    ).first()
    if attendance is None or attendance.status != AttendanceStatus.PRESENT:
        raise ServiceError(
            _("%(city)s is not recorded as present at this session.") % {"city": local_government}
        )
    attendance.status = AttendanceStatus.ABSENT
    attendance.source = AttendanceSource.MANUAL
    attendance.save(update_fields=["status", "source", "updated_at"])
    return attendance


@transaction.atomic
def attendance_carry_over(*, user: Any, meeting: Meeting, source: Meeting) -> int:
    """The chair carries over the roll of an earlier session of the same congress: the cities
    present there, and entitled here, become present here (an explicit action, never
    implied). Returns how many were added."""
    _require(user, "governance.manage", meeting)
    if source.pk == meeting.pk or source.parent_id != meeting.parent_id or source.body_id is None:
        raise ServiceError(_("Choose an earlier statutory session of the same congress."))
    if source.start >= meeting.start:
        raise ServiceError(_("Choose an earlier statutory session of the same congress."))
    entitled = selectors.entitled_city_ids(meeting)
    already = set(meeting.attendances.values_list("local_government_id", flat=True))
    ids = [
        lg_id
        for lg_id in source.attendances.filter(status=AttendanceStatus.PRESENT).values_list(
            "local_government_id", flat=True
        )
        if lg_id in entitled and lg_id not in already
    ]
    Attendance.objects.bulk_create(
        Attendance(
            meeting=meeting,
            local_government_id=lg_id,
            status=AttendanceStatus.PRESENT,
            source=AttendanceSource.MANUAL,
        )
        for lg_id in ids
    )
    return len(ids)


@transaction.atomic
def registration_anonymise_expired(*, before: dt.date) -> int:
    """Anonymise the personal data of registrations for congresses that ended before `before`.

    Names, e-mail, account link, gender and consent go; the type, city and country stay, so
    past statistics by country and role survive. The history rows holding personal data go too.
    Returns how many registrations were anonymised.
    """
    cutoff = dt.datetime.combine(before, dt.time.min, tzinfo=dt.UTC)
    expired = Registration.objects.filter(congress__end__lt=cutoff, anonymised_at__isnull=True)
    ids = list(expired.values_list("pk", flat=True))
    if not ids:
        return 0
    Registration.objects.filter(pk__in=ids).update(
        given_name="",
        family_name="",
        email="",
        user=None,
        gender=Gender.UNKNOWN,
        consent_to_list=False,
        anonymised_at=timezone.now(),
    )
    Registration.history.filter(id__in=ids).delete()
    return len(ids)


# ---------------------------------------------------------------------------------------------
# Resolutions: one transition function over the workflow rows


def _last_vote_result(resolution: Resolution) -> str:
    vote = (
        resolution.votes.filter(amendment__isnull=True, status=VoteStatus.CLOSED)
        .order_by("-closed_at", "-pk")
        .first()
    )
    return vote.result if vote else ""


@transaction.atomic
def resolution_transition(
    *,
    user: Any,
    resolution: Resolution,
    to_state: str,
    note: str = "",
    vote: Vote | None = None,
    system: bool = False,
) -> Resolution:
    """Move a resolution to `to_state` if the workflow allows it for this user (and vote)."""
    resolution = Resolution.objects.select_for_update().get(pk=resolution.pk)
    transition = WorkflowTransition.objects.filter(
        from_state=resolution.state, to_state=to_state
    ).first()
    if transition is None:
        raise ServiceError(
            _("A resolution cannot go from “%(from)s” to “%(to)s”.")
            % {
                "from": resolution.get_state_display(),
                "to": ResolutionState(to_state).label
                if to_state in ResolutionState.values
                else to_state,
            }
        )
    if not system and not has_role(user, transition.role, "administrator"):
        raise PermissionDenied(_("You are not allowed to do this."))
    if transition.requires_vote:
        result = vote.result if vote else _last_vote_result(resolution)
        if result != transition.requires_vote:
            raise ServiceError(
                _("This step needs a closed vote whose result is “%(result)s”.")
                % {"result": VoteResult(transition.requires_vote).label}
            )
    event = ResolutionEvent(
        resolution=resolution,
        at=timezone.now(),
        from_state=resolution.state,
        to_state=to_state,
        actor=user if getattr(user, "pk", None) else None,
        vote=vote,
        note=note[:300],
    )
    resolution.state = to_state
    if to_state in (ResolutionState.ADOPTED, ResolutionState.REJECTED):
        resolution.decided_on = (
            vote.closed_at if vote and vote.closed_at else timezone.now()
        ).date()
    resolution.save()
    event.save()
    return resolution


@transaction.atomic
def resolution_version_create(
    *,
    resolution: Resolution,
    paragraphs: list[tuple[str, str]] | list[tuple[str, str, int]],
    note_fr: str = "",
    note_en: str = "",
) -> ResolutionVersion:
    """A new text version from (French, English[, key]) paragraphs, numbered from 1.

    A paragraph without a key is new: it gets the next key of the resolution.
    """
    number = (
        resolution.versions.order_by("-number").values_list("number", flat=True).first() or 0
    ) + 1
    version = ResolutionVersion.objects.create(
        resolution=resolution, number=number, note=note_fr, note_fr=note_fr, note_en=note_en
    )
    next_key = (
        Paragraph.objects.filter(version__resolution=resolution)
        .order_by("-key")
        .values_list("key", flat=True)
        .first()
        or 0
    ) + 1
    rows = []
    for i, row in enumerate(paragraphs, start=1):
        fr, en = row[0], row[1]
        key = row[2] if len(row) > 2 and row[2] else None
        if key is None:
            key, next_key = next_key, next_key + 1
        rows.append(Paragraph(version=version, number=i, key=key, text=fr, text_fr=fr, text_en=en))
    Paragraph.objects.bulk_create(rows)
    return version


def split_paragraphs(text: str) -> list[str]:
    """A pasted text split into paragraphs: blank lines separate them; lines inside one are
    joined with a space."""
    blocks = []
    for block in (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n\n"):
        joined = " ".join(line.strip() for line in block.split("\n") if line.strip())
        if joined:
            blocks.append(joined)
    return blocks


def aligned_paragraphs(text_fr: str, text_en: str) -> list[tuple[str, str]]:
    """French and English texts split into paragraphs that must correspond one to one."""
    fr, en = split_paragraphs(text_fr), split_paragraphs(text_en)
    if not fr:
        raise ServiceError(_("Give the text in French (the authentic language)."))
    if en and len(en) != len(fr):
        raise ServiceError(
            _(
                "The French text has %(fr)d paragraphs and the English text %(en)d: they must "
                "correspond one to one (separate paragraphs with a blank line)."
            )
            % {"fr": len(fr), "en": len(en)}
        )
    return list(zip(fr, en or [""] * len(fr), strict=True))


@transaction.atomic
def resolution_create(
    *,
    user: Any,
    meeting: Meeting,
    title_fr: str,
    title_en: str,
    text_fr: str,
    text_en: str,
    number: str = "",
    kind: str = ResolutionKind.RESOLUTION,
    state: str = ResolutionState.TABLED,
) -> Resolution:
    """Table a text at a statutory session: paragraphs split from the pasted texts, French and
    English aligned one to one, as version 1."""
    _require(user, "governance.manage", meeting)
    if meeting.body_id is None:
        raise ServiceError(_("Only a session of a statutory body adopts texts."))
    if kind not in ResolutionKind.values:
        raise ServiceError(_("Choose the kind of text."))
    if not (title_fr or "").strip():
        raise ServiceError(_("Give the title in French."))
    rows = aligned_paragraphs(text_fr, text_en)
    base = slugify(f"{meeting.slug}-{number or title_fr}")[:100].strip("-") or "resolution"
    slug, n = base, 1
    while Resolution.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base[:95]}-{n}"
    resolution = Resolution.objects.create(
        slug=slug,
        number=(number or "").strip(),
        kind=kind,
        title=title_fr.strip(),
        title_fr=title_fr.strip(),
        title_en=(title_en or "").strip() or title_fr.strip(),
        body_id=meeting.body_id,
        meeting=meeting,
        state=ResolutionState.DRAFT,
    )
    resolution_version_create(
        resolution=resolution, paragraphs=rows, note_fr="Texte déposé", note_en="Tabled text"
    )
    if state == ResolutionState.TABLED:
        resolution_transition(user=user, resolution=resolution, to_state=ResolutionState.TABLED)
    return resolution


@transaction.atomic
def decision_record(
    *,
    meeting: Meeting,
    title_fr: str,
    title_en: str,
    text_fr: str,
    text_en: str,
    actor: Any,
    decided_on: dt.date | None = None,
    summary_fr: str = "",
    summary_en: str = "",
) -> Resolution:
    """Record a decision a statutory meeting took (for example the Bureau deciding a grant):
    a resolution of kind *decision*, adopted, with its text as version 1 (and an optional
    summary). The meeting's minutes list it under the texts adopted.

    Other modules call this (grants links its decisions to Bureau meetings); the actor needs
    the secretariat's role or a seat on the Bureau.
    """
    if not actor.has_perm("governance.record_decision", meeting):
        raise PermissionDenied(_("Only the secretariat or the Bureau records decisions."))
    if meeting.body_id is None:
        raise ServiceError(_("Only a session of a statutory body takes decisions."))
    if not (title_fr or "").strip():
        raise ServiceError(_("Give the decision's title in French."))
    rows = aligned_paragraphs(text_fr, text_en)
    base = slugify(f"{meeting.slug}-decision-{title_fr}")[:100].strip("-") or "decision"
    slug, n = base, 1
    while Resolution.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base[:95]}-{n}"
    resolution = Resolution.objects.create(
        slug=slug,
        kind=ResolutionKind.DECISION,
        title=title_fr.strip(),
        title_fr=title_fr.strip(),
        title_en=(title_en or "").strip() or title_fr.strip(),
        body_id=meeting.body_id,
        meeting=meeting,
        state=ResolutionState.ADOPTED,
        decided_on=decided_on or timezone.localdate(meeting.start),
        summary=(summary_fr or "").strip(),
        summary_fr=(summary_fr or "").strip(),
        summary_en=(summary_en or "").strip(),
    )
    resolution_version_create(resolution=resolution, paragraphs=rows)
    ResolutionEvent.objects.create(
        resolution=resolution,
        at=timezone.now(),
        from_state="",
        to_state=ResolutionState.ADOPTED,
        actor=actor if getattr(actor, "pk", None) else None,
        note="decision_record",
    )
    return resolution


@transaction.atomic
def amendment_submit(
    *,
    user: Any,
    resolution: Resolution,
    paragraph_number: int,
    operation: str,
    text_fr: str = "",
    text_en: str = "",
    justification_fr: str = "",
    justification_en: str = "",
    submitter: LocalGovernment | None = None,
    parent: Amendment | None = None,
    version: int | None = None,
) -> Amendment:
    """Propose a change to a paragraph (its number in `version`, by default the current text),
    or to another amendment. The paragraph's identity is recorded, so the change lands on the
    paragraph meant whatever is adopted before it."""
    if submitter is not None:
        _require(user, "governance.act_for_city", submitter)
    else:
        _require(user, "governance.manage")
    resolution = Resolution.objects.select_for_update().get(pk=resolution.pk)
    if resolution.state not in VOTABLE_STATES:
        raise ServiceError(_("Amendments can be submitted only to a tabled resolution."))
    if operation not in AmendmentOperation.values:
        raise ServiceError(_("Choose what the amendment does: replace, delete or insert_after."))
    if operation != AmendmentOperation.DELETE and not text_fr.strip():
        raise ServiceError(_("Give the proposed text in French (the authentic language)."))
    if version is None:
        base = selectors.current_version(resolution)
    else:
        base = resolution.versions.filter(number=version).first()
        if base is None:
            raise ServiceError(
                _("This resolution has no version %(number)d.") % {"number": version}
            )
    paragraph = (
        base.paragraphs.filter(number=paragraph_number).first() if base is not None else None
    )
    if parent is None and paragraph is None:
        raise ServiceError(
            _("Version %(version)d has no paragraph %(number)d.")
            % {"version": base.number if base else 0, "number": paragraph_number}
        )
    if parent is None and paragraph.key not in selectors.current_keys(resolution):
        raise ServiceError(
            _("Paragraph %(number)d of version %(version)d is no longer in the text.")
            % {"number": paragraph_number, "version": base.number}
        )
    if parent is not None:
        if parent.resolution_id != resolution.pk or parent.state != AmendmentState.SUBMITTED:
            raise ServiceError(_("Only a pending amendment to this resolution can be amended."))
        paragraph_number = parent.paragraph_number
        base = parent.base_version
        key = parent.paragraph_key
        count = parent.sub_amendments.count() + 1
        number = f"{parent.number}.{count}"
    else:
        key = paragraph.key
        number = f"A{resolution.amendments.filter(parent__isnull=True).count() + 1}"
    return Amendment.objects.create(
        resolution=resolution,
        base_version=base,
        parent=parent,
        number=number,
        paragraph_number=paragraph_number,
        paragraph_key=key,
        operation=operation,
        text=text_fr,
        text_fr=text_fr,
        text_en=text_en,
        justification=justification_fr,
        justification_fr=justification_fr,
        justification_en=justification_en,
        submitter=submitter,
    )


def _amendment_key(amendment: Amendment) -> int | None:
    """The identity of the paragraph an amendment targets (older rows: from its base version)."""
    if amendment.paragraph_key:
        return amendment.paragraph_key
    version = amendment.base_version or selectors.current_version(amendment.resolution)
    paragraph = (
        version.paragraphs.filter(number=amendment.paragraph_number).first() if version else None
    )
    return paragraph.key if paragraph else None


def _apply_amendment(amendment: Amendment, user: Any, vote: Vote | None) -> None:
    """An adopted amendment: to a paragraph, a new text version; to an amendment, its text."""
    if amendment.parent_id:
        parent = amendment.parent
        parent.text_fr, parent.text_en = amendment.text_fr, amendment.text_en
        parent.text = amendment.text_fr
        parent.save()
        return
    resolution = amendment.resolution
    current = selectors.current_version(resolution)
    key = _amendment_key(amendment)
    rows: list[tuple[str, str, int | None]] = []
    found = False
    for p in current.paragraphs.order_by("number"):
        if p.key == key:
            found = True
            if amendment.operation == AmendmentOperation.REPLACE:
                rows.append((amendment.text_fr, amendment.text_en or "", p.key))
            elif amendment.operation == AmendmentOperation.INSERT_AFTER:
                rows.append((p.text_fr or "", p.text_en or "", p.key))
                rows.append((amendment.text_fr, amendment.text_en or "", None))
            continue
        rows.append((p.text_fr or "", p.text_en or "", p.key))
    if not found:
        raise ServiceError(
            _(
                "The paragraph amendment %(number)s changes is no longer in the text: the "
                "amendment has lapsed."
            )
            % {"number": amendment.number}
        )
    resolution_version_create(
        resolution=resolution,
        paragraphs=rows,
        note_fr=f"Amendement {amendment.number} adopté",
        note_en=f"Amendment {amendment.number} adopted",
    )
    resolution_transition(
        user=user,
        resolution=resolution,
        to_state=ResolutionState.AMENDED,
        vote=vote,
        note=f"{amendment.number}",
        system=True,
    )


@transaction.atomic
def amendment_decide(
    *,
    user: Any,
    amendment: Amendment,
    adopted: bool | None = None,
    vote: Vote | None = None,
    system: bool = False,
) -> Amendment:
    """Adopt or reject a pending amendment: by the secretariat, or from a closed vote on it.

    Adopting changes the paragraph it was written against (by identity) and makes the other
    pending amendments that replace or delete that paragraph lapse: their authors re-submit
    against the new text if they still wish.
    """
    if not system:
        _require(user, "governance.manage", amendment.resolution.meeting)
    amendment = Amendment.objects.select_for_update().get(pk=amendment.pk)
    if amendment.state != AmendmentState.SUBMITTED:
        raise ServiceError(
            _("Amendment %(number)s is already decided (%(state)s).")
            % {"number": amendment.number, "state": amendment.get_state_display()}
        )
    if vote is not None:
        if vote.amendment_id != amendment.pk or vote.status != VoteStatus.CLOSED:
            raise ServiceError(_("Give a closed vote on this amendment."))
        if vote.result == VoteResult.NO_QUORUM:
            raise ServiceError(_("The vote had no quorum: it decides nothing."))
        from_vote = vote.result == VoteResult.PASSED
        if adopted is not None and adopted != from_vote:
            raise ServiceError(_("The decision must follow the vote's result."))
        adopted = from_vote
    else:
        closed = amendment.votes.filter(status=VoteStatus.CLOSED).order_by("-closed_at").first()
        if closed is not None and closed.result != VoteResult.NO_QUORUM:
            raise ServiceError(_("A vote decided this amendment: its result cannot be typed in."))
    if adopted is None:
        raise ServiceError(_("decision: use “adopted” or “rejected”."))
    if not adopted:
        amendment.state = AmendmentState.REJECTED
        amendment.save(update_fields=["state", "updated_at"])
        return amendment
    resolution = Resolution.objects.select_for_update().get(pk=amendment.resolution_id)
    if resolution.state not in VOTABLE_STATES:
        raise ServiceError(_("Only a tabled resolution can be amended."))
    amendment.state = AmendmentState.ADOPTED
    amendment.save(update_fields=["state", "updated_at"])
    _apply_amendment(amendment, user, vote)
    if not amendment.parent_id:
        key = _amendment_key(amendment)
        touched = [
            other
            for other in resolution.amendments.filter(
                state=AmendmentState.SUBMITTED, parent__isnull=True
            ).exclude(pk=amendment.pk)
            if _amendment_key(other) == key
        ]
        for other in touched:
            replaced = amendment.operation != AmendmentOperation.INSERT_AFTER
            if (
                replaced
                and other.operation != AmendmentOperation.INSERT_AFTER
                or (amendment.operation == AmendmentOperation.DELETE)
            ):
                other.state = AmendmentState.LAPSED
                other.save(update_fields=["state", "updated_at"])
    return amendment


@transaction.atomic
def amendment_withdraw(*, user: Any, amendment: Amendment) -> Amendment:
    if amendment.submitter_id:
        _require(user, "governance.act_for_city", amendment.submitter)
    else:
        _require(user, "governance.manage")
    if amendment.state != AmendmentState.SUBMITTED:
        raise ServiceError(_("Only a pending amendment can be withdrawn."))
    amendment.state = AmendmentState.WITHDRAWN
    amendment.save(update_fields=["state", "updated_at"])
    return amendment


# ---------------------------------------------------------------------------------------------
# Votes


def _is_weighted(vote: Vote) -> bool:
    return vote.rule_snapshot.get("voting_unit") == VotingUnit.WEIGHTED


def _is_present(meeting: Meeting, local_government_id: int) -> bool:
    return Attendance.objects.filter(
        meeting=meeting, local_government_id=local_government_id, status=AttendanceStatus.PRESENT
    ).exists()


def _rule_cap(vote: Vote) -> int | None:
    cap = vote.rule_snapshot.get("max_proxies_per_holder")
    return int(cap) if cap is not None else None


class VoteNotCompleteError(ServiceError):
    """Closing a poll while cities present or represented have not voted: confirm first."""

    def __init__(self, missing: int) -> None:
        self.missing = missing
        super().__init__(
            ngettext(
                "%(count)d city present or represented has not voted yet. Close the vote anyway?",
                "%(count)d cities present or represented have not voted yet. Close the vote "
                "anyway?",
                missing,
            )
            % {"count": missing}
        )


@transaction.atomic
def vote_open(
    *,
    user: Any,
    resolution: Resolution,
    meeting: Meeting,
    mode: str = VoteMode.ROLL_CALL,
    amendment: Amendment | None = None,
    now: dt.datetime | None = None,
) -> Vote:
    """Open a vote at `meeting`; the decision rule is copied so later edits cannot change it."""
    _require(user, "governance.manage", meeting)
    if mode not in VoteMode.values:
        raise ServiceError(_("Unknown voting mode."))
    # Read the state afresh: the caller's copy may predate a transition.
    resolution = Resolution.objects.select_for_update().get(pk=resolution.pk)
    if resolution.state not in VOTABLE_STATES:
        raise ServiceError(_("Only a tabled resolution can be put to the vote."))
    if amendment is not None and (
        amendment.resolution_id != resolution.pk or amendment.state != AmendmentState.SUBMITTED
    ):
        raise ServiceError(_("Only a pending amendment to this resolution can be put to the vote."))
    if meeting.body_id is None:
        raise ServiceError(_("Only a session of a statutory body can vote."))
    rule = resolution.rule or selectors.default_rule(meeting, resolution.kind)
    if rule is None:
        raise ServiceError(_("No decision rule applies: set one on the resolution."))
    busy = Vote.objects.filter(
        resolution=resolution, amendment=amendment, status=VoteStatus.OPEN
    ).exists()
    if busy:
        raise ServiceError(_("A vote on this text is already open."))
    weighted = rule.voting_unit == VotingUnit.WEIGHTED
    present, represented = selectors.presence_counts(
        meeting, weighted=weighted, rule_cap=rule.max_proxies_per_holder
    )
    weights = selectors.entitled_weights(meeting)
    vote = Vote.objects.create(
        resolution=resolution,
        amendment=amendment,
        meeting=meeting,
        rule=rule,
        rule_snapshot=rule.snapshot(),
        mode=mode,
        opened_at=now or timezone.now(),
        entitled=sum(weights.values()) if weighted else len(weights),
        present=present,
        represented=represented,
    )
    if mode == VoteMode.SECRET:
        SecretTally.objects.create(vote=vote)
    return vote


def ballot_cast(
    *, user: Any, vote: Vote, local_government: LocalGovernment, option: str
) -> BallotReceipt:
    """A city's vote, cast by its own delegate while the city attends the session, or by a
    delegate of the city holding its proxy while that holder attends (within the cap).

    Only delegates vote: the secretariat records attendance and proxies, never a ballot. A
    secret ballot's choice goes to the vote's tally alone; the receipt says only that the
    city has voted.

    The checks that do not change during a poll (seat, role, proxy) are read before the
    write transaction; inside it, only the poll's status and the voter's presence are read
    again, so that 300 delegates voting at once hold the database's write lock briefly.
    """
    vote = Vote.objects.select_related("meeting").get(pk=vote.pk)
    if vote.status != VoteStatus.OPEN:
        raise ServiceError(_("This vote is closed: no more ballots are accepted."))
    if vote.mode == VoteMode.ANALOG:
        raise ServiceError(_("This vote is counted in the room: no ballots are recorded."))
    if option not in BallotOption.values:
        raise ServiceError(_("Choose yes, no or abstain."))
    city_weight = selectors.entitled_weight(vote.meeting, local_government.pk)
    if city_weight is None:
        raise ServiceError(_("This city is not entitled to vote in this body."))
    # Once a city names its voting delegate for the session, only that account votes for it
    # (delegations.may_vote_for says the same to the pages and to elections).
    designated = dict(
        VotingDelegate.objects.filter(meeting=vote.meeting).values_list(
            "local_government_id", "user_id"
        )
    )

    def votes_for(city_id: int) -> bool:
        return designated.get(city_id, user.pk) == user.pk

    own = user.has_perm("governance.vote_for_city", local_government) and votes_for(
        local_government.pk
    )
    by_proxy = False
    attending_id = local_government.pk  # the city whose presence makes the ballot count
    if not (own and _is_present(vote.meeting, local_government.pk)):
        present = set(
            Attendance.objects.filter(
                meeting=vote.meeting, status=AttendanceStatus.PRESENT
            ).values_list("local_government_id", flat=True)
        )
        proxy = Proxy.objects.filter(meeting=vote.meeting, grantor=local_government).first()
        if proxy is None or not (
            user.has_perm("governance.vote_for_city", proxy.holder) and votes_for(proxy.holder_id)
        ):
            if own:
                raise ServiceError(_("This city is not recorded as present at this session."))
            raise PermissionDenied(
                _(
                    "Only a city's voting delegate, or the delegate of the city holding its "
                    "proxy, votes for it."
                )
            )
        if proxy.holder_id not in present:
            raise ServiceError(
                _(
                    "%(holder)s holds this proxy but is not recorded as present at this "
                    "session: the proxy does not count."
                )
                % {"holder": proxy.holder}
            )
        if local_government.pk not in selectors.valid_proxy_grantors(
            vote.meeting, present_ids=present, rule_cap=_rule_cap(vote)
        ):
            raise ServiceError(
                _("This proxy is beyond the number a city may hold at this session.")
            )
        by_proxy = True
        attending_id = proxy.holder_id
    weight = city_weight if _is_weighted(vote) else 1
    with transaction.atomic():
        # The poll's row lock orders ballots and the closing: a ballot is counted before the
        # close, or refused after it — never lost, never counted twice.
        status = (
            Vote.objects.select_for_update().filter(pk=vote.pk).values_list("status", flat=True)
        )[0]
        if status != VoteStatus.OPEN:
            raise ServiceError(_("This vote is closed: no more ballots are accepted."))
        if not _is_present(vote.meeting, attending_id):
            raise ServiceError(_("This city is not recorded as present at this session."))
        try:
            with transaction.atomic():
                receipt = BallotReceipt.objects.create(
                    vote=vote, local_government=local_government, cast_by=user, by_proxy=by_proxy
                )
        except IntegrityError:
            raise ServiceError(_("This city has already voted.")) from None
        if vote.mode == VoteMode.SECRET:
            updated = SecretTally.objects.filter(vote=vote).update(**{option: F(option) + weight})
            if not updated:
                SecretTally.objects.create(vote=vote, **{option: weight})
        else:
            Ballot.objects.create(
                vote=vote,
                local_government=local_government,
                option=option,
                weight=weight,
                cast_by=user,
                by_proxy=by_proxy,
            )
    receipt.option = option
    return receipt


@transaction.atomic
def vote_record_counts(*, user: Any, vote: Vote, yes: int, no: int, abstain: int) -> Vote:
    """Enter the counts of a vote counted in the room (show of hands, paper)."""
    _require(user, "governance.manage", vote.meeting)
    vote = Vote.objects.select_for_update().get(pk=vote.pk)
    if vote.status != VoteStatus.OPEN:
        raise ServiceError(_("This vote is closed: its counts can no longer change."))
    if vote.mode != VoteMode.ANALOG:
        raise ServiceError(_("This vote counts the ballots itself."))
    if min(yes, no, abstain) < 0:
        raise ServiceError(_("Counts cannot be negative."))
    present, represented = selectors.presence_counts(vote.meeting, weighted=_is_weighted(vote))
    voters = present + represented
    if yes + no + abstain > voters:
        raise ServiceError(
            _(
                "%(total)d votes counted but only %(voters)d members are present or represented "
                "(of %(entitled)d entitled). Check the count."
            )
            % {"total": yes + no + abstain, "voters": voters, "entitled": vote.entitled}
        )
    vote.yes, vote.no, vote.abstain = yes, no, abstain
    vote.save(update_fields=["yes", "no", "abstain", "updated_at"])
    return vote


def vote_counts(vote: Vote) -> dict[str, int]:
    """The yes/no/abstain of a vote: typed in for a vote in the room, else from the ballots
    (named) or the secret tally."""
    if vote.mode == VoteMode.ANALOG:
        return {"yes": vote.yes, "no": vote.no, "abstain": vote.abstain}
    if vote.mode == VoteMode.SECRET:
        tally = SecretTally.objects.filter(vote=vote).first()
        if tally is None:
            return dict.fromkeys(BallotOption.values, 0)
        return {"yes": tally.yes, "no": tally.no, "abstain": tally.abstain}
    counts = dict.fromkeys(BallotOption.values, 0)
    for option, weight in vote.ballots.values_list("option", "weight"):
        counts[option] += weight
    return counts


def vote_evaluate(vote: Vote, *, chair_vote: str = "", present: int, represented: int) -> Any:
    """The vote's result through the one evaluation function, with the rule as it stood."""
    counts = vote_counts(vote)
    return evaluate(
        rule_from_snapshot(vote.rule_snapshot, convocation=vote.meeting.convocation),
        Counts(
            members=vote.entitled,
            present=present,
            represented=represented,
            yes=counts["yes"],
            no=counts["no"],
            abstain=counts["abstain"],
            chair_vote=chair_vote or None,
            convocation=vote.meeting.convocation,
        ),
    )


@transaction.atomic
def vote_close(
    *,
    user: Any,
    vote: Vote,
    chair_vote: str = "",
    confirm_missing: bool = False,
    now: dt.datetime | None = None,
) -> Vote:
    """Close the poll, compute the result with the rule as it stood, and apply it to the text.

    When cities present or represented have not voted yet, the chair must confirm
    (`confirm_missing`): the refusal says how many.
    """
    _require(user, "governance.manage", vote.meeting)
    vote = (
        Vote.objects.select_for_update(of=("self",))
        .select_related("meeting", "resolution", "amendment")
        .get(pk=vote.pk)
    )
    if vote.status != VoteStatus.OPEN:
        raise ServiceError(_("This vote is already closed."))
    if chair_vote and chair_vote not in (BallotOption.YES, BallotOption.NO):
        raise ServiceError(_("The chair's casting vote is yes or no."))
    if vote.mode != VoteMode.ANALOG and not confirm_missing:
        missing = len(selectors.cities_yet_to_vote(vote))
        if missing:
            raise VoteNotCompleteError(missing)
    present, represented = selectors.presence_counts(
        vote.meeting, weighted=_is_weighted(vote), rule_cap=_rule_cap(vote)
    )
    outcome = vote_evaluate(vote, chair_vote=chair_vote, present=present, represented=represented)
    tie_rule = rule_from_snapshot(vote.rule_snapshot).tie
    if outcome.tie and outcome.quorum_reached and tie_rule == "chair_decides" and not chair_vote:
        raise ServiceError(
            _("The vote is a tie: under this rule the chair decides. Give the chair's choice.")
        )
    counts = vote_counts(vote)
    vote.yes, vote.no, vote.abstain = counts["yes"], counts["no"], counts["abstain"]
    vote.present, vote.represented = present, represented
    vote.chair_vote = chair_vote
    vote.result = outcome.result
    vote.explanation_fr, vote.explanation_en = outcome.explanation_fr, outcome.explanation_en
    vote.status = VoteStatus.CLOSED
    vote.closed_at = now or timezone.now()
    vote.save()
    if vote.amendment_id and vote.amendment.state == AmendmentState.SUBMITTED:
        amendment = vote.amendment
        if outcome.result == VoteResult.PASSED:
            amendment_decide(user=user, amendment=amendment, adopted=True, vote=vote, system=True)
        elif outcome.result == VoteResult.FAILED:
            amendment_decide(user=user, amendment=amendment, adopted=False, vote=vote, system=True)
    elif not vote.amendment_id and outcome.result in (VoteResult.PASSED, VoteResult.FAILED):
        to_state = (
            ResolutionState.ADOPTED
            if outcome.result == VoteResult.PASSED
            else ResolutionState.REJECTED
        )
        resolution_transition(
            user=user, resolution=vote.resolution, to_state=to_state, vote=vote, system=True
        )
    return vote


# ---------------------------------------------------------------------------------------------
# Minutes


def _render_minutes(meeting: Meeting, language: str) -> str:
    with translation.override(language):
        context = selectors.minutes_context(meeting)
        return render_to_string("governance/minutes.txt", context).strip() + "\n"


@transaction.atomic
def minutes_generate(*, user: Any, meeting: Meeting) -> Minutes:
    """Draft the minutes from the records, in French and in English (drafts only)."""
    _require(user, "governance.manage", meeting)
    text_fr, text_en = _render_minutes(meeting, "fr"), _render_minutes(meeting, "en")
    minutes = Minutes.objects.select_for_update().filter(meeting=meeting).first()
    if minutes is None:
        return Minutes.objects.create(meeting=meeting, text_fr=text_fr, text_en=text_en)
    if minutes.status != MinutesStatus.DRAFT:
        raise ServiceError(_("Approved minutes cannot be regenerated."))
    minutes.text_fr, minutes.text_en = text_fr, text_en
    return save_versioned(minutes, expected_version=minutes.version)


@transaction.atomic
def minutes_edit(
    *, user: Any, minutes: Minutes, text_fr: str, text_en: str, expected_version: int
) -> Minutes:
    _require(user, "governance.manage", minutes.meeting)
    if minutes.status != MinutesStatus.DRAFT:
        raise ServiceError(_("Approved minutes cannot be edited."))
    if not text_fr.strip() or not text_en.strip():
        raise ServiceError(_("The minutes need a text in both languages."))
    minutes.text_fr, minutes.text_en = text_fr, text_en
    return save_versioned(minutes, expected_version=expected_version)


@transaction.atomic
def minutes_approve(
    *,
    user: Any,
    minutes: Minutes,
    expected_version: int,
    at_meeting: Meeting | None = None,
) -> Minutes:
    """Approve the minutes: by the secretariat, or as approved by the body at a later
    meeting (`at_meeting`, a meeting of the same body). Approved minutes are frozen; the
    version approved is recorded (their history keeps every earlier one)."""
    _require(user, "governance.manage", minutes.meeting)
    if minutes.status != MinutesStatus.DRAFT:
        raise ServiceError(_("These minutes are already approved."))
    if at_meeting is not None:
        meeting = minutes.meeting
        if meeting.body_id is None or at_meeting.body_id != meeting.body_id:
            raise ServiceError(
                _("Minutes are approved by the same body: choose a meeting of %(body)s.")
                % {"body": meeting.body or _("the convening body")}
            )
        if at_meeting.start <= meeting.start:
            raise ServiceError(_("Minutes are approved at a later meeting of the body."))
    minutes.status = MinutesStatus.APPROVED
    minutes.approved_at = timezone.now()
    minutes.approved_by = user
    minutes.approved_at_meeting = at_meeting
    minutes.approved_version = expected_version + 1
    return save_versioned(minutes, expected_version=expected_version)


# ---------------------------------------------------------------------------------------------
# Prize


def eligibility_problems(nomination: Nomination) -> list[str]:
    """The prize honours francophone women mayors or elected women of member cities."""
    problems = []
    if nomination.nominee.gender != Gender.FEMALE:
        problems.append(_("The prize honours women."))
    lg = nomination.nominated_by
    if lg is not None:
        membership = getattr(lg, "membership", None)
        if membership is None or membership.status != MembershipStatus.ACTIVE:
            problems.append(_("The nominating city is not an active member."))
    closes = nomination.edition.nominations_close
    if closes and nomination.created_at and nomination.created_at.date() > closes:
        problems.append(_("The nomination arrived after the closing date."))
    return problems


@transaction.atomic
def nomination_check_eligibility(*, user: Any, nomination: Nomination) -> Nomination:
    _require(user, "governance.manage")
    if nomination.status not in (
        NominationStatus.SUBMITTED,
        NominationStatus.ELIGIBLE,
        NominationStatus.INELIGIBLE,
    ):
        raise ServiceError(_("This nomination has already been decided."))
    problems = eligibility_problems(nomination)
    nomination.status = NominationStatus.INELIGIBLE if problems else NominationStatus.ELIGIBLE
    nomination.eligibility_note = " ".join(problems)[:300]
    nomination.save(update_fields=["status", "eligibility_note", "updated_at"])
    return nomination


@transaction.atomic
def conflict_declare(
    *, user: Any, nomination: Nomination, has_conflict: bool, note: str = ""
) -> ConflictDeclaration:
    """A juror declares a conflict of interest or none. A conflict found from the records
    (`selectors.detected_conflict`) cannot be declared away; a conflict declared after
    scoring removes the score, so it no longer counts in the average."""
    _require(user, "governance.review_nomination", nomination)
    detected = selectors.detected_conflict(nomination, user)
    if detected and not has_conflict:
        raise ServiceError(
            _("%(reason)s This is a conflict of interest: declare it.") % {"reason": detected}
        )
    declaration, _created = ConflictDeclaration.objects.update_or_create(
        nomination=nomination, juror=user, defaults={"has_conflict": has_conflict, "note": note}
    )
    if has_conflict:
        JuryReview.objects.filter(nomination=nomination, juror=user).delete()
    return declaration


@transaction.atomic
def review_submit(
    *, user: Any, nomination: Nomination, score: int, comment: str = ""
) -> JuryReview:
    """A juror scores an eligible nomination, after declaring no conflict of interest."""
    _require(user, "governance.review_nomination", nomination)
    if nomination.status != NominationStatus.ELIGIBLE:
        raise ServiceError(_("Only an eligible nomination can be reviewed."))
    declaration = ConflictDeclaration.objects.filter(nomination=nomination, juror=user).first()
    if declaration is None:
        raise ServiceError(_("Declare whether you have a conflict of interest first."))
    if declaration.has_conflict:
        raise ServiceError(_("You declared a conflict of interest: you cannot score this one."))
    detected = selectors.detected_conflict(nomination, user)
    if detected:
        raise ServiceError(
            _("%(reason)s This is a conflict of interest: you cannot score this one.")
            % {"reason": detected}
        )
    if not 0 <= score <= 20:
        raise ServiceError(_("The score is between 0 and 20."))
    review, _created = JuryReview.objects.update_or_create(
        nomination=nomination, juror=user, defaults={"score": score, "comment": comment}
    )
    return review


@transaction.atomic
def laureate_designate(*, user: Any, nomination: Nomination) -> Nomination:
    _require(user, "governance.manage")
    if nomination.status != NominationStatus.ELIGIBLE:
        raise ServiceError(_("Only an eligible nomination can be a laureate."))
    needed = nomination.edition.minimum_scores
    scores = JuryReview.objects.filter(nomination=nomination).count()
    if scores < needed:
        raise ServiceError(
            ngettext(
                "A laureate needs at least %(needed)d jury score; this nomination has %(scores)d.",
                "A laureate needs at least %(needed)d jury scores; this nomination has %(scores)d.",
                needed,
            )
            % {"needed": needed, "scores": scores}
        )
    nomination.status = NominationStatus.LAUREATE
    nomination.save(update_fields=["status", "updated_at"])
    return nomination


# ---------------------------------------------------------------------------------------------
# Setup: congresses, sessions, agenda, decision rules (the pages, not the admin)


def _unique_slug(model: Any, base: str, *, exclude: int | None = None) -> str:
    base = slugify(base)[:100].strip("-") or "item"
    slug, n = base, 1
    qs = model.objects.all() if exclude is None else model.objects.exclude(pk=exclude)
    while qs.filter(slug=slug).exists():
        n += 1
        slug = f"{base[:95]}-{n}"
    return slug


@transaction.atomic
def meeting_save(
    *,
    user: Any,
    meeting: Meeting | None = None,
    congress: Meeting | None = None,
    kind: str,
    title_fr: str,
    title_en: str = "",
    start: dt.datetime,
    end: dt.datetime,
    timezone_name: str,
    venue: str = "",
    body: Any = None,
    capacity: int | None = None,
    proxy_cap: int | None = None,
    convocation: int | None = None,
) -> Meeting:
    """Create or change a congress (no `congress`) or one of its sessions. `start` and `end`
    are aware datetimes in the venue's zone: they are stored as instants, shown back in it."""
    import zoneinfo

    _require(user, "governance.manage", meeting)
    try:
        zoneinfo.ZoneInfo(timezone_name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ServiceError(_("Choose a time zone from the list.")) from None
    if start.tzinfo is None or end.tzinfo is None:
        raise ServiceError(_("Give the times with their time zone."))
    if end <= start:
        raise ServiceError(_("The meeting must end after it starts."))
    if congress is not None and not congress.is_congress:
        raise ServiceError(_("A session belongs to a congress."))
    if (kind == MeetingKind.CONGRESS) != (congress is None):
        raise ServiceError(_("A congress has sessions; a session belongs to a congress."))
    fields: dict[str, Any] = {
        "kind": kind,
        "title": title_fr.strip(),
        "title_fr": title_fr.strip(),
        "title_en": (title_en or "").strip() or title_fr.strip(),
        "start": start,
        "end": end,
        "timezone": timezone_name,
        "venue": venue or "",
        "venue_fr": venue or "",
        "parent": congress,
        "body": body,
        "capacity": capacity,
    }
    if proxy_cap is not None:
        fields["proxy_cap"] = proxy_cap
    if convocation is not None:
        fields["convocation"] = convocation
    if meeting is None:
        base = f"{congress.slug}-{title_fr}" if congress else f"{title_fr}-{start.year}"
        created = Meeting.objects.create(slug=_unique_slug(Meeting, base), **fields)
        if created.is_congress:
            # A new congress starts with the association's default registration types,
            # which the secretariat then adapts on its registration types page.
            from edile.governance.registration_types import registration_types_ensure_defaults

            registration_types_ensure_defaults(congress=created)
        return created
    for name, value in fields.items():
        setattr(meeting, name, value)
    meeting.save()
    return meeting


@transaction.atomic
def agenda_item_add(
    *,
    user: Any,
    meeting: Meeting,
    number: str,
    title_fr: str,
    title_en: str = "",
    parent: Any = None,
) -> Any:
    """Add an item to a meeting's agenda (a tree: an item may sit under another)."""
    from edile.governance.models import AgendaItem

    _require(user, "governance.manage", meeting)
    number = (number or "").strip().rstrip(".")
    if not number or not (title_fr or "").strip():
        raise ServiceError(_("Give the item's number and title."))
    if parent is not None and parent.meeting_id != meeting.pk:
        raise ServiceError(_("The parent item belongs to another meeting."))
    if AgendaItem.objects.filter(meeting=meeting, number=number).exists():
        raise ServiceError(_("This agenda already has an item %(number)s.") % {"number": number})
    order = (
        AgendaItem.objects.filter(meeting=meeting)
        .order_by("-order")
        .values_list("order", flat=True)
        .first()
        or 0
    ) + 1
    return AgendaItem.objects.create(
        meeting=meeting,
        parent=parent,
        number=number,
        title=title_fr.strip(),
        title_fr=title_fr.strip(),
        title_en=(title_en or "").strip() or title_fr.strip(),
        order=order,
    )


@transaction.atomic
def decision_rule_save(*, user: Any, rule: Any = None, **fields: Any) -> Any:
    """Create or change a decision rule. Votes already opened keep the rule as it stood
    (their snapshot); the rule must make sense to the evaluation function."""
    from fractions import Fraction

    from edile.governance.evaluation import describe, rule_from_snapshot
    from edile.governance.models import DecisionRule

    _require(user, "governance.manage")
    quorum: Fraction = fields.pop("quorum_fraction")
    majority: Fraction = fields.pop("majority_fraction")
    values = {
        **fields,
        "label": fields["label_fr"],
        "quorum_numerator": quorum.numerator,
        "quorum_denominator": quorum.denominator,
        "threshold_numerator": majority.numerator,
        "threshold_denominator": majority.denominator,
    }
    if values["comparator"] == "more_than" and majority == 1:
        raise ServiceError(
            _("“More than 1/1” can never be reached; use “at least 1/1” for unanimity.")
        )
    if not values.get("label_en"):
        values["label_en"] = values["label_fr"]
    other = DecisionRule.objects.filter(code=values["code"])
    if rule is not None:
        other = other.exclude(pk=rule.pk)
    if other.exists():
        raise ServiceError(_("Another rule already has this code."))
    if rule is None:
        rule = DecisionRule(**values)
    else:
        for name, value in values.items():
            setattr(rule, name, value)
    describe(rule_from_snapshot({**rule.snapshot(), **values}))  # it evaluates
    rule.save()
    return rule


# ---------------------------------------------------------------------------------------------
# Setup: bodies and their seats (juries are bodies), prize editions and nominations


@transaction.atomic
def body_save(
    *,
    user: Any,
    body: Any = None,
    kind: str,
    name_fr: str,
    name_en: str = "",
    description_fr: str = "",
    description_en: str = "",
) -> Any:
    """Create or change a body (the Bureau, a commission, a prize jury…)."""
    from edile.governance.models import Body, BodyKind

    _require(user, "governance.manage", body)
    if kind not in BodyKind.values:
        raise ServiceError(_("Choose the kind of body from the list."))
    name_fr = (name_fr or "").strip()
    if not name_fr:
        raise ServiceError(_("Give the body's name in French."))
    fields = {
        "kind": kind,
        "name": name_fr,
        "name_fr": name_fr,
        "name_en": (name_en or "").strip() or name_fr,
        "description": description_fr or "",
        "description_fr": description_fr or "",
        "description_en": description_en or "",
    }
    if body is None:
        return Body.objects.create(slug=_unique_slug(Body, name_fr), **fields)
    for name, value in fields.items():
        setattr(body, name, value)
    body.save()
    return body


@transaction.atomic
def seat_save(
    *,
    user: Any,
    body: Any,
    seat: Any = None,
    role: str,
    local_government: Any = None,
    person: Any = None,
    start: dt.date,
    end: dt.date | None = None,
    votes: int = 1,
) -> Any:
    """Give a seat in a body to a city, a person on behalf of a city, or a person; or change
    it (ending a seat is giving it an end date: its history stays)."""
    from edile.governance.models import Seat, SeatRole

    _require(user, "governance.manage", body)
    if seat is not None and seat.body_id != body.pk:
        raise ServiceError(_("This seat belongs to another body."))
    if role not in SeatRole.values:
        raise ServiceError(_("Choose the seat's role from the list."))
    if local_government is None and person is None:
        raise ServiceError(_("A seat is held by a city, a person, or both."))
    if end is not None and end < start:
        raise ServiceError(_("A seat cannot end before it starts."))
    if votes < 1:
        raise ServiceError(_("A seat has at least one vote."))
    if role == SeatRole.CHAIR and end is None:
        chairs = Seat.objects.filter(body=body, role=SeatRole.CHAIR, end__isnull=True)
        if seat is not None:
            chairs = chairs.exclude(pk=seat.pk)
        if chairs.exists():
            raise ServiceError(_("This body already has a current chair: end that seat first."))
    fields = {
        "role": role,
        "local_government": local_government,
        "person": person,
        "start": start,
        "end": end,
        "votes": votes,
    }
    if seat is None:
        return Seat.objects.create(body=body, **fields)
    for name, value in fields.items():
        setattr(seat, name, value)
    seat.save()
    return seat


@transaction.atomic
def prize_edition_save(
    *,
    user: Any,
    edition: Any = None,
    year: int,
    title_fr: str,
    title_en: str = "",
    description_fr: str = "",
    description_en: str = "",
    jury: Any = None,
    ceremony: Any = None,
    nominations_close: dt.date | None = None,
    minimum_scores: int = 1,
) -> Any:
    """Create or change a prize edition; its jury is a body of kind *jury* whose seats are
    the jurors."""
    from edile.governance.models import BodyKind, PrizeEdition

    _require(user, "governance.manage", edition)
    title_fr = (title_fr or "").strip()
    if not title_fr:
        raise ServiceError(_("Give the edition's title in French."))
    if not 1900 <= year <= 2200:
        raise ServiceError(_("Give the edition's year, for example 2027."))
    if jury is not None and jury.kind != BodyKind.JURY:
        raise ServiceError(_("The jury must be a body of the kind “jury”."))
    fields = {
        "year": year,
        "title": title_fr,
        "title_fr": title_fr,
        "title_en": (title_en or "").strip() or title_fr,
        "description": description_fr or "",
        "description_fr": description_fr or "",
        "description_en": description_en or "",
        "jury": jury,
        "ceremony": ceremony,
        "nominations_close": nominations_close,
        "minimum_scores": minimum_scores,
    }
    if minimum_scores < 1:
        raise ServiceError(_("A laureate needs at least one jury score."))
    if edition is None:
        return PrizeEdition.objects.create(
            slug=_unique_slug(PrizeEdition, f"{title_fr}-{year}"), **fields
        )
    for name, value in fields.items():
        setattr(edition, name, value)
    edition.save()
    return edition


DECIDED_NOMINATIONS = {NominationStatus.LAUREATE, NominationStatus.NOT_SELECTED}


@transaction.atomic
def nomination_save(
    *,
    user: Any,
    edition: Any,
    nomination: Nomination | None = None,
    nominee: Any,
    nominated_by: Any = None,
    citation_fr: str = "",
    citation_en: str = "",
) -> Nomination:
    """Record a nomination for an edition, or correct one not yet decided. A change of
    nominee or nominating city sends it back to *submitted*: eligibility is checked again."""
    _require(user, "governance.manage", edition)
    if nomination is not None:
        if nomination.edition_id != edition.pk:
            raise ServiceError(_("This nomination belongs to another edition."))
        if nomination.status in DECIDED_NOMINATIONS:
            raise ServiceError(_("This nomination has already been decided."))
    others = Nomination.objects.filter(edition=edition, nominee=nominee)
    if nomination is not None:
        others = others.exclude(pk=nomination.pk)
    if others.exists():
        raise ServiceError(_("This person is already nominated for this edition."))
    fields = {
        "nominee": nominee,
        "nominated_by": nominated_by,
        "citation": citation_fr or "",
        "citation_fr": citation_fr or "",
        "citation_en": citation_en or "",
    }
    if nomination is None:
        return Nomination.objects.create(edition=edition, **fields)
    if nomination.nominee_id != nominee.pk or nomination.nominated_by_id != getattr(
        nominated_by, "pk", None
    ):
        fields["status"] = NominationStatus.SUBMITTED
        fields["eligibility_note"] = ""
    for name, value in fields.items():
        setattr(nomination, name, value)
    nomination.save()
    return nomination

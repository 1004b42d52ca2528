"""Governance pages. Thin: validate with a form, call a selector or a service, render."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from edile.core.errors import ServiceError
from edile.core.htmx import render_page_or_fragment
from edile.core.pdf import pdf_response
from edile.governance import badges, selectors, services
from edile.governance.forms import (
    AmendmentForm,
    AttendanceForm,
    BallotForm,
    CheckInForm,
    CloseForm,
    ConflictForm,
    CountsForm,
    MinutesForm,
    ModerationForm,
    ProxyForm,
    RegistrationForm,
    ReviewForm,
    TransitionForm,
    VoteOpenForm,
)
from edile.governance.models import (
    Body,
    Meeting,
    Minutes,
    MinutesStatus,
    Nomination,
    PrizeEdition,
    Registration,
    Resolution,
    ResolutionKind,
    ResolutionState,
    Topic,
    Vote,
    VoteMode,
)
from edile.members.models import LocalGovernment

PAGE_SIZE = 50


def _attempt(request: HttpRequest, action: Callable[[], Any], success: str) -> Any:
    """Run a service; show its refusal as a message a person can act on."""
    try:
        result = action()
    except ServiceError as exc:
        messages.error(request, exc.message)
        return None
    messages.success(request, success)
    return result


def _posted_id(request: HttpRequest, name: str) -> int:
    """A posted record id, or a 404: a tampered form must not become a server error."""
    value = request.POST.get(name, "")
    if not value.isdigit():
        raise Http404(_("No such record."))
    return int(value)


def _meeting_or_404(request: HttpRequest, slug: str) -> Meeting:
    try:
        return selectors.meeting_detail(request.user, slug)
    except Meeting.DoesNotExist:
        raise Http404(_("No meeting at this address.")) from None


def _congress_or_404(request: HttpRequest, slug: str) -> Meeting:
    meeting = _meeting_or_404(request, slug)
    if not meeting.is_congress:
        raise Http404(_("No congress at this address."))
    return meeting


def _require_manager(request: HttpRequest) -> None:
    if not request.user.has_perm("governance.manage"):
        raise PermissionDenied(_("This page is for the secretariat."))


# ---------------------------------------------------------------------------------------------
# Home, bodies, meetings


def index(request: HttpRequest) -> HttpResponse:
    context = {
        "congresses": selectors.congress_list(request.user),
        "bodies": selectors.body_list(),
        "resolutions": selectors.resolution_list(request.user)[:10],
        "can_manage": request.user.has_perm("governance.manage"),
    }
    return render(request, "governance/index.html", context)


def body_detail(request: HttpRequest, slug: str) -> HttpResponse:
    body = get_object_or_404(Body, slug=slug)
    context = {
        "body": body,
        "seats": selectors.current_seats(body),
        "meetings": selectors.meeting_list(request.user, body=slug),
        "can_manage": request.user.has_perm("governance.manage"),
    }
    return render(request, "governance/body_detail.html", context)


def meeting_detail(request: HttpRequest, slug: str) -> HttpResponse:
    meeting = _meeting_or_404(request, slug)
    context: dict[str, Any] = {
        "meeting": meeting,
        "can_manage": request.user.has_perm("governance.manage"),
    }
    if meeting.is_congress:
        context["days"] = selectors.programme(meeting, request.user)
        context["counts"] = selectors.registration_counts(meeting)
        context["can_read_report"] = request.user.has_perm(
            "governance.view_congress_report", meeting
        )
        return render(request, "governance/congress_detail.html", context)
    context.update(
        agenda=selectors.agenda(meeting),
        summary=selectors.attendance_summary(meeting) if meeting.body_id else None,
        quorum=selectors.live_quorum(meeting) if meeting.body_id else None,
        roll=selectors.session_roll(meeting) if meeting.body_id else [],
        votes=selectors.vote_list(request.user, meeting=meeting.slug),
        resolutions=selectors.resolution_list(
            request.user, selectors.ResolutionFilters(meeting=meeting.slug)
        ),
        minutes=selectors.minutes_for(request.user, meeting),
    )
    if context["can_manage"] and meeting.body_id:
        context["attendance_form"] = AttendanceForm()
        context["proxy_form"] = ProxyForm()
        context["attendances"] = selectors.attendance_list(meeting)
    return render(request, "governance/meeting_detail.html", context)


def _session_or_404(request: HttpRequest, slug: str) -> Meeting:
    meeting = _meeting_or_404(request, slug)
    if meeting.body_id is None:
        raise Http404(_("Attendance is taken at statutory sessions only."))
    return meeting


def session_roll(request: HttpRequest, slug: str) -> HttpResponse:
    """The session's door and desk: scan badges, mark cities from a searchable list, check
    them out, or carry over the roll of an earlier session (the secretariat)."""
    meeting = _session_or_404(request, slug)
    _require_manager(request)
    q = request.GET.get("q", "")[:100]
    form = CheckInForm(request.POST or None)
    result = None
    if request.method == "POST" and form.is_valid():
        try:
            registration, entered = services.registration_check_in(
                user=request.user, token=form.cleaned_data["code"], session=meeting
            )
        except ServiceError as exc:
            form.add_error("code", exc.message)
        else:
            result = {"registration": registration, "entered": entered}
            form = CheckInForm()
    context = {
        "meeting": meeting,
        "form": form,
        "result": result,
        "q": q,
        "roll": selectors.session_roll(meeting, q=q),
        "quorum": selectors.live_quorum(meeting),
        "summary": selectors.attendance_summary(meeting),
        "earlier": selectors.earlier_sessions(meeting),
    }
    return render_page_or_fragment(
        request, "governance/session_roll.html", "governance/partials/roll_table.html", context
    )


@login_required
@require_POST
def session_roll_mark(request: HttpRequest, slug: str) -> HttpResponse:
    """Mark one city present, excused or checked out, from the list."""
    meeting = _session_or_404(request, slug)
    _require_manager(request)
    lg = get_object_or_404(LocalGovernment, pk=_posted_id(request, "local_government"))
    action = request.POST.get("action", "")
    if action == "check_out":
        _attempt(
            request,
            lambda: services.attendance_check_out(
                user=request.user, meeting=meeting, local_government=lg
            ),
            _("%(city)s has left the session.") % {"city": lg},
        )
    elif action in ("present", "excused"):
        _attempt(
            request,
            lambda: services.attendance_record(
                user=request.user, meeting=meeting, local_government=lg, status=action
            ),
            _("Attendance recorded."),
        )
    else:
        messages.error(request, _("Choose present, excused or check out."))
    return redirect(
        f"{reverse('governance:session_roll', args=[meeting.slug])}?q={request.POST.get('q', '')}"
    )


@login_required
@require_POST
def session_roll_carry_over(request: HttpRequest, slug: str) -> HttpResponse:
    meeting = _session_or_404(request, slug)
    _require_manager(request)
    source = get_object_or_404(
        selectors.earlier_sessions(meeting), pk=_posted_id(request, "source")
    )
    count = _attempt(
        request,
        lambda: services.attendance_carry_over(user=request.user, meeting=meeting, source=source),
        _("The roll of the earlier session is carried over."),
    )
    if count is not None:
        messages.info(
            request,
            ngettext(
                "%(count)d city added as present.", "%(count)d cities added as present.", count
            )
            % {"count": count},
        )
    return redirect("governance:session_roll", slug=meeting.slug)


def session_quorum(request: HttpRequest, slug: str) -> HttpResponse:
    """The live quorum and attendance list of a session (the htmx fragment of its page)."""
    meeting = _session_or_404(request, slug)
    return render(
        request,
        "governance/partials/session_attendance.html",
        {
            "meeting": meeting,
            "quorum": selectors.live_quorum(meeting),
            "summary": selectors.attendance_summary(meeting),
            "roll": selectors.session_roll(meeting),
        },
    )


@login_required
@require_POST
def attendance_record(request: HttpRequest, slug: str) -> HttpResponse:
    meeting = _meeting_or_404(request, slug)
    _require_manager(request)
    form = AttendanceForm(request.POST)
    if form.is_valid():
        _attempt(
            request,
            lambda: services.attendance_record(
                user=request.user, meeting=meeting, **form.cleaned_data
            ),
            _("Attendance recorded."),
        )
    else:
        messages.error(request, _("Choose a city and an attendance status."))
    return redirect("governance:meeting_detail", slug=slug)


@login_required
@require_POST
def proxy_grant(request: HttpRequest, slug: str) -> HttpResponse:
    meeting = _meeting_or_404(request, slug)
    form = ProxyForm(request.POST)
    if form.is_valid():
        _attempt(
            request,
            lambda: services.proxy_grant(user=request.user, meeting=meeting, **form.cleaned_data),
            _("Proxy recorded."),
        )
    else:
        messages.error(request, _("Choose the represented city and the proxy holder."))
    return redirect("governance:meeting_detail", slug=slug)


# ---------------------------------------------------------------------------------------------
# Registration


def register(request: HttpRequest, slug: str) -> HttpResponse:
    congress = _congress_or_404(request, slug)
    if congress.is_congress:
        # A congress created outside the setup pages gets the default types on first use.
        from edile.governance.registration_types import registration_types_ensure_defaults

        registration_types_ensure_defaults(congress=congress)
    form = RegistrationForm(
        request.POST or None,
        congress=congress,
        user=request.user,
        initial={"language": (get_language() or "fr")[:2]},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            registration = services.registration_create(
                congress=congress,
                given_name=data["given_name"],
                family_name=data["family_name"],
                email=data["email"],
                type=data["type"],
                gender=data["gender"],
                local_government=data["local_government"],
                organisation=data["organisation"],
                language=data["language"],
                consent_to_list=data["consent_to_list"],
                sessions=list(data["sessions"]),
                user=request.user if request.user.is_authenticated else None,
            )
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            return redirect("governance:registration_detail", token=registration.token)
    return render(request, "governance/register.html", {"congress": congress, "form": form})


def registration_detail(request: HttpRequest, token: str) -> HttpResponse:
    """The registrant's own page: the unguessable code in the address is the key."""
    try:
        registration = selectors.registration_for_badge(token)
    except Registration.DoesNotExist:
        raise Http404(_("No registration at this address.")) from None
    signups = registration.signups.select_related("session").order_by("session__start")
    return render(
        request,
        "governance/registration_detail.html",
        {"registration": registration, "signups": signups},
    )


@require_POST
def registration_cancel(request: HttpRequest, token: str) -> HttpResponse:
    try:
        registration = selectors.registration_for_badge(token)
    except Registration.DoesNotExist:
        raise Http404(_("No registration at this address.")) from None
    _attempt(
        request,
        lambda: services.registration_cancel(registration=registration),
        _("Your registration is cancelled."),
    )
    return redirect("governance:registration_detail", token=token)


def registration_badge(request: HttpRequest, token: str) -> HttpResponse:
    try:
        registration = selectors.registration_for_badge(token)
    except Registration.DoesNotExist:
        raise Http404(_("No registration at this address.")) from None
    if registration.status != "confirmed":
        raise Http404(_("A badge is issued once the registration is confirmed."))
    if (
        registration.registration_type is not None
        and not registration.registration_type.gives_badge
    ):
        raise Http404(_("This registration type comes without a badge."))
    return pdf_response(badges.badge_pdf(registration), f"badge-{registration.pk}")


@login_required
def check_in(request: HttpRequest, slug: str) -> HttpResponse:
    """The congress desk: a scan records arrival at the congress (never a session's
    attendance, which is taken at each session's door)."""
    congress = _congress_or_404(request, slug)
    if not request.user.has_perm("governance.check_in"):
        raise PermissionDenied(_("This page is for the secretariat."))
    form = CheckInForm(request.POST or None)
    result = None
    if request.method == "POST" and form.is_valid():
        try:
            registration, first = services.registration_check_in(
                user=request.user, token=form.cleaned_data["code"], congress=congress
            )
        except ServiceError as exc:
            form.add_error("code", exc.message)
        else:
            result = {"registration": registration, "first": first}
            form = CheckInForm()
    return render(
        request,
        "governance/check_in.html",
        {
            "congress": congress,
            "form": form,
            "result": result,
            "sessions": congress.sessions.filter(body__isnull=False).order_by("start"),
        },
    )


def participants(request: HttpRequest, slug: str) -> HttpResponse:
    congress = _congress_or_404(request, slug)
    q = request.GET.get("q", "")[:100]
    paginator = Paginator(selectors.participant_list(congress, request.user, q=q), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "governance/participants.html",
        {
            "congress": congress,
            "page": page,
            "q": q,
            "is_staff": request.user.has_perm("governance.view_registrations"),
        },
    )


def statistics(request: HttpRequest, slug: str) -> HttpResponse:
    congress = _congress_or_404(request, slug)
    stats = selectors.registration_statistics(congress)
    return render(request, "governance/statistics.html", {"congress": congress, **stats})


@login_required
def moderation(request: HttpRequest, slug: str) -> HttpResponse:
    congress = _congress_or_404(request, slug)
    _require_manager(request)
    if request.method == "POST":
        form = ModerationForm(request.POST)
        registration = get_object_or_404(
            Registration, pk=_posted_id(request, "registration"), congress=congress
        )
        if form.is_valid():
            _attempt(
                request,
                lambda: services.registration_moderate(
                    user=request.user,
                    registration=registration,
                    approve=form.cleaned_data["approve"],
                ),
                _("Registration updated."),
            )
        return redirect("governance:moderation", slug=slug)
    rows = selectors.pending_registrations(congress)[:200]
    return render(request, "governance/moderation.html", {"congress": congress, "rows": rows})


# ---------------------------------------------------------------------------------------------
# Resolutions and amendments


def resolution_list(request: HttpRequest) -> HttpResponse:
    filters = selectors.ResolutionFilters(
        q=request.GET.get("q", "")[:100],
        state=request.GET.get("state", ""),
        kind=request.GET.get("kind", ""),
        topic=request.GET.get("topic", ""),
        body=request.GET.get("body", ""),
    )
    paginator = Paginator(selectors.resolution_list(request.user, filters), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "governance/resolution_list.html",
        {
            "page": page,
            "filters": filters,
            "states": ResolutionState.choices,
            "kinds": ResolutionKind.choices,
            "topics": Topic.objects.order_by("slug"),
        },
    )


def _resolution_or_404(request: HttpRequest, slug: str) -> Resolution:
    try:
        return selectors.resolution_detail(request.user, slug)
    except Resolution.DoesNotExist:
        raise Http404(_("No resolution at this address.")) from None


def resolution_detail(request: HttpRequest, slug: str) -> HttpResponse:
    resolution = _resolution_or_404(request, slug)
    versions = list(resolution.versions.all())
    can_manage = request.user.has_perm("governance.manage")
    from edile.accounts.models import RoleCode
    from edile.accounts.selectors import scoped_local_government_ids
    from edile.members.models import LocalGovernment

    own_cities = (
        LocalGovernment.objects.filter(
            pk__in=scoped_local_government_ids(request.user, RoleCode.DELEGATE)
        )
        if request.user.is_authenticated
        else LocalGovernment.objects.none()
    )
    can_amend = resolution.state in services.VOTABLE_STATES and (can_manage or own_cities)
    context = {
        "resolution": resolution,
        "current": versions[-1] if versions else None,
        "versions": versions,
        "amendments": list(resolution.amendments.all()),
        "votes": list(resolution.votes.all()),
        "events": list(resolution.events.all()),
        "links": selectors.link_rows(resolution, request.user),
        "can_manage": can_manage,
        "transition_form": TransitionForm() if can_manage else None,
        "vote_form": VoteOpenForm(initial={"meeting": resolution.meeting_id})
        if can_manage and resolution.state in services.VOTABLE_STATES
        else None,
        "amendment_form": AmendmentForm(
            cities=own_cities if not can_manage else LocalGovernment.objects.order_by("name")
        )
        if can_amend
        else None,
    }
    return render(request, "governance/resolution_detail.html", context)


@login_required
@require_POST
def resolution_transition(request: HttpRequest, slug: str) -> HttpResponse:
    resolution = _resolution_or_404(request, slug)
    form = TransitionForm(request.POST)
    if form.is_valid():
        _attempt(
            request,
            lambda: services.resolution_transition(
                user=request.user, resolution=resolution, **form.cleaned_data
            ),
            _("The resolution's state has changed."),
        )
    return redirect("governance:resolution_detail", slug=slug)


@login_required
@require_POST
def amendment_create(request: HttpRequest, slug: str) -> HttpResponse:
    resolution = _resolution_or_404(request, slug)
    from edile.members.models import LocalGovernment

    form = AmendmentForm(request.POST, cities=LocalGovernment.objects.all())
    if not form.is_valid():
        messages.error(request, _("Check the amendment: the paragraph number is required."))
        return redirect("governance:resolution_detail", slug=slug)
    data = form.cleaned_data
    parent = None
    if data["parent"]:
        parent = resolution.amendments.filter(number=data["parent"]).first()
        if parent is None:
            messages.error(request, _("No amendment has this number."))
            return redirect("governance:resolution_detail", slug=slug)
    _attempt(
        request,
        lambda: services.amendment_submit(
            user=request.user,
            resolution=resolution,
            paragraph_number=data["paragraph_number"],
            operation=data["operation"],
            text_fr=data["text_fr"],
            text_en=data["text_en"],
            justification_fr=data["justification_fr"],
            submitter=data["submitter"],
            parent=parent,
        ),
        _("Amendment submitted."),
    )
    return redirect("governance:resolution_detail", slug=slug)


def amendment_detail(request: HttpRequest, slug: str, number: str) -> HttpResponse:
    resolution = _resolution_or_404(request, slug)
    amendment = resolution.amendments.filter(number=number).first()
    if amendment is None:
        raise Http404(_("No amendment with this number."))
    return render(
        request,
        "governance/amendment_detail.html",
        {
            "resolution": resolution,
            "amendment": amendment,
            "diff": selectors.amendment_diff(amendment),
            "sub_amendments": amendment.sub_amendments.order_by("number"),
        },
    )


# ---------------------------------------------------------------------------------------------
# Votes


@login_required
@require_POST
def vote_open(request: HttpRequest, slug: str) -> HttpResponse:
    resolution = _resolution_or_404(request, slug)
    form = VoteOpenForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the session and the voting mode."))
        return redirect("governance:resolution_detail", slug=slug)
    amendment = None
    if form.cleaned_data["amendment"]:
        amendment = resolution.amendments.filter(number=form.cleaned_data["amendment"]).first()
        if amendment is None:
            messages.error(request, _("No amendment has this number."))
            return redirect("governance:resolution_detail", slug=slug)
    vote = _attempt(
        request,
        lambda: services.vote_open(
            user=request.user,
            resolution=resolution,
            meeting=form.cleaned_data["meeting"],
            mode=form.cleaned_data["mode"],
            amendment=amendment,
        ),
        _("The vote is open."),
    )
    if vote is None:
        return redirect("governance:resolution_detail", slug=slug)
    return redirect("governance:vote_detail", pk=vote.pk)


def _vote_or_404(request: HttpRequest, pk: int) -> Vote:
    try:
        return selectors.vote_detail(request.user, pk)
    except Vote.DoesNotExist:
        raise Http404(_("No vote at this address.")) from None


def vote_detail(request: HttpRequest, pk: int) -> HttpResponse:
    vote = _vote_or_404(request, pk)
    can_manage = request.user.has_perm("governance.manage")
    cities = (
        selectors.voting_cities_for(request.user, vote) if request.user.is_authenticated else []
    )
    is_open = vote.status == "open"
    context = {
        "vote": vote,
        "ballots": selectors.named_ballots(vote),
        "ballot_count": vote.receipts.count(),
        "ballot_form": BallotForm(cities=cities) if cities else None,
        "counts_form": CountsForm()
        if can_manage and is_open and vote.mode == VoteMode.ANALOG
        else None,
        "close_form": CloseForm() if can_manage and is_open else None,
        "can_manage": can_manage,
        "waiting": selectors.cities_yet_to_vote(vote) if can_manage else [],
    }
    return render_page_or_fragment(
        request, "governance/vote_detail.html", "governance/partials/vote_progress.html", context
    )


@login_required
@require_POST
def ballot_cast(request: HttpRequest, pk: int) -> HttpResponse:
    vote = _vote_or_404(request, pk)
    cities = selectors.voting_cities_for(request.user, vote)
    form = BallotForm(request.POST, cities=cities)
    if form.is_valid():
        _attempt(
            request,
            lambda: services.ballot_cast(user=request.user, vote=vote, **form.cleaned_data),
            _("Your city's vote is recorded."),
        )
    else:
        messages.error(request, _("Choose your city and your vote."))
    return redirect("governance:vote_detail", pk=pk)


@login_required
@require_POST
def vote_counts(request: HttpRequest, pk: int) -> HttpResponse:
    vote = _vote_or_404(request, pk)
    form = CountsForm(request.POST)
    if form.is_valid():
        _attempt(
            request,
            lambda: services.vote_record_counts(user=request.user, vote=vote, **form.cleaned_data),
            _("Counts recorded."),
        )
    else:
        messages.error(request, _("Give the three counts as whole numbers."))
    return redirect("governance:vote_detail", pk=pk)


@login_required
@require_POST
def vote_close(request: HttpRequest, pk: int) -> HttpResponse:
    vote = _vote_or_404(request, pk)
    form = CloseForm(request.POST)
    valid = form.is_valid()
    chair_vote = form.cleaned_data["chair_vote"] if valid else ""
    confirm = bool(form.cleaned_data["confirm_missing"]) if valid else False
    _attempt(
        request,
        lambda: services.vote_close(
            user=request.user, vote=vote, chair_vote=chair_vote, confirm_missing=confirm
        ),
        _("The vote is closed and its result computed."),
    )
    return redirect("governance:vote_detail", pk=pk)


# ---------------------------------------------------------------------------------------------
# Minutes


def minutes(request: HttpRequest, slug: str) -> HttpResponse:
    meeting = _meeting_or_404(request, slug)
    record = selectors.minutes_for(request.user, meeting)
    can_manage = request.user.has_perm("governance.manage")
    if record is None and not can_manage:
        raise Http404(_("These minutes are not published yet."))
    language = (get_language() or "fr")[:2]
    form = None
    if can_manage and record is not None and record.status == MinutesStatus.DRAFT:
        form = MinutesForm(
            initial={
                "version": record.version,
                "text_fr": record.text_fr,
                "text_en": record.text_en,
            }
        )
    return render(
        request,
        "governance/minutes.html",
        {
            "meeting": meeting,
            "minutes": record,
            "text": record.text(language) if record else "",
            "blocks": selectors.minutes_blocks(record.text(language) if record else ""),
            "form": form,
            "approval_form": _approval_form(meeting, record) if form is not None else None,
            "can_manage": can_manage,
        },
    )


def _approval_form(meeting: Meeting, record: Minutes) -> Any:
    from edile.governance.forms_elections import MinutesApprovalForm

    return MinutesApprovalForm(initial={"version": record.version}, meeting=meeting)


@login_required
@require_POST
def minutes_generate(request: HttpRequest, slug: str) -> HttpResponse:
    meeting = _meeting_or_404(request, slug)
    _require_manager(request)
    _attempt(
        request,
        lambda: services.minutes_generate(user=request.user, meeting=meeting),
        _("The minutes were drafted from the records."),
    )
    return redirect("governance:minutes", slug=slug)


@login_required
@require_POST
def minutes_edit(request: HttpRequest, slug: str) -> HttpResponse:
    meeting = _meeting_or_404(request, slug)
    _require_manager(request)
    record = get_object_or_404(Minutes, meeting=meeting)
    form = MinutesForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        _attempt(
            request,
            lambda: services.minutes_edit(
                user=request.user,
                minutes=record,
                text_fr=data["text_fr"],
                text_en=data["text_en"],
                expected_version=data["version"],
            ),
            _("Minutes saved."),
        )
    return redirect("governance:minutes", slug=slug)


@login_required
@require_POST
def minutes_approve(request: HttpRequest, slug: str) -> HttpResponse:
    meeting = _meeting_or_404(request, slug)
    _require_manager(request)
    record = get_object_or_404(Minutes, meeting=meeting)
    from edile.governance.forms_elections import MinutesApprovalForm

    form = MinutesApprovalForm(request.POST, meeting=meeting)
    if form.is_valid():
        _attempt(
            request,
            lambda: services.minutes_approve(
                user=request.user,
                minutes=record,
                expected_version=form.cleaned_data["version"],
                at_meeting=form.cleaned_data["at_meeting"],
            ),
            _("Minutes approved."),
        )
    else:
        messages.error(request, _("Choose a later meeting of the body, or none."))
    return redirect("governance:minutes", slug=slug)


def minutes_pdf(request: HttpRequest, slug: str) -> HttpResponse:
    meeting = _meeting_or_404(request, slug)
    record = selectors.minutes_for(request.user, meeting)
    if record is None:
        raise Http404(_("These minutes are not published yet."))
    language = (get_language() or "fr")[:2]
    return pdf_response(badges.minutes_pdf(record, language), f"minutes-{meeting.slug}")


# ---------------------------------------------------------------------------------------------
# Prize


def laureates(request: HttpRequest) -> HttpResponse:
    return render(request, "governance/laureates.html", {"laureates": selectors.laureates()})


@login_required
def jury(request: HttpRequest, slug: str) -> HttpResponse:
    """The jury's desk: declare conflicts, score eligible nominations; staff check eligibility
    and designate laureates."""
    edition = get_object_or_404(PrizeEdition, slug=slug)
    is_juror = request.user.has_perm("governance.review_nomination")
    can_manage = request.user.has_perm("governance.manage")
    if not (is_juror or can_manage):
        raise PermissionDenied(_("This page is for the jury and the secretariat."))
    if request.method == "POST":
        nomination = get_object_or_404(
            Nomination, pk=_posted_id(request, "nomination"), edition=edition
        )
        action = request.POST.get("action")
        if action == "declare":
            form = ConflictForm(request.POST)
            if form.is_valid():
                _attempt(
                    request,
                    lambda: services.conflict_declare(
                        user=request.user, nomination=nomination, **form.cleaned_data
                    ),
                    _("Declaration recorded."),
                )
        elif action == "score":
            form = ReviewForm(request.POST)
            if form.is_valid():
                _attempt(
                    request,
                    lambda: services.review_submit(
                        user=request.user, nomination=nomination, **form.cleaned_data
                    ),
                    _("Score recorded."),
                )
            else:
                messages.error(request, _("The score is between 0 and 20."))
        elif action == "eligibility":
            _attempt(
                request,
                lambda: services.nomination_check_eligibility(
                    user=request.user, nomination=nomination
                ),
                _("Eligibility checked."),
            )
        elif action == "laureate":
            _attempt(
                request,
                lambda: services.laureate_designate(user=request.user, nomination=nomination),
                _("Laureate designated."),
            )
        return redirect("governance:jury", slug=slug)
    rows = selectors.jury_rows(edition, request.user)
    return render(
        request,
        "governance/jury.html",
        {
            "edition": edition,
            "rows": rows,
            "is_juror": is_juror,
            "can_manage": can_manage,
            "conflict_form": ConflictForm(),
            "review_form": ReviewForm(),
        },
    )

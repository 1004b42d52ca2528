"""Setup pages: the secretariat prepares a congress (sessions in the venue's time zone, the
agenda, decision rules with a plain-language preview, texts pasted in both languages)
without the Django admin. Every page is role-checked; the services decide."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from edile.core.errors import ServiceError
from edile.governance import selectors, services
from edile.governance.evaluation import describe_both, rule_from_snapshot
from edile.governance.forms import (
    AgendaItemForm,
    BodySetupForm,
    DecisionRuleForm,
    MeetingSetupForm,
    NominationSetupForm,
    PrizeEditionSetupForm,
    RegistrationTypeForm,
    ResolutionSetupForm,
    SeatSetupForm,
)
from edile.governance.models import (
    Body,
    DecisionRule,
    Meeting,
    MeetingKind,
    Nomination,
    PrizeEdition,
    RegistrationType,
    Seat,
)


def _require_manager(request: HttpRequest) -> None:
    if not request.user.has_perm("governance.manage"):
        raise PermissionDenied(_("This page is for the secretariat."))


def _form_error(form: Any, exc: ServiceError) -> None:
    form.add_error(None, exc.message)


@login_required
def setup_index(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    congresses = (
        Meeting.objects.filter(kind=MeetingKind.CONGRESS)
        .prefetch_related("sessions")
        .order_by("-start")
    )
    rules = DecisionRule.objects.order_by("code")
    return render(
        request, "governance/setup/index.html", {"congresses": congresses, "rules": rules}
    )


def _meeting_initial(meeting: Meeting) -> dict[str, Any]:
    tz = zoneinfo.ZoneInfo(meeting.timezone or "UTC")
    start, end = meeting.start.astimezone(tz), meeting.end.astimezone(tz)
    return {
        "kind": meeting.kind,
        "title_fr": meeting.title_fr,
        "title_en": meeting.title_en,
        "body": meeting.body_id,
        "venue": meeting.venue,
        "timezone": meeting.timezone,
        "start_date": start.date(),
        "start_time": start.time().replace(second=0, microsecond=0),
        "end_date": end.date(),
        "end_time": end.time().replace(second=0, microsecond=0),
        "capacity": meeting.capacity,
        "proxy_cap": meeting.proxy_cap,
        "convocation": meeting.convocation,
    }


@login_required
def meeting_edit(
    request: HttpRequest, slug: str | None = None, congress_slug: str | None = None
) -> HttpResponse:
    """Create a congress, create a session of a congress, or edit either."""
    _require_manager(request)
    meeting = get_object_or_404(Meeting, slug=slug) if slug else None
    congress = None
    if congress_slug:
        congress = get_object_or_404(Meeting, slug=congress_slug, kind=MeetingKind.CONGRESS)
    elif meeting is not None and meeting.parent_id:
        congress = meeting.parent
    initial = _meeting_initial(meeting) if meeting else {"timezone": "UTC"}
    form = MeetingSetupForm(request.POST or None, congress=congress, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = services.meeting_save(
                user=request.user,
                meeting=meeting,
                congress=congress,
                kind=data["kind"],
                title_fr=data["title_fr"],
                title_en=data["title_en"],
                start=data["start"],
                end=data["end"],
                timezone_name=data["timezone"],
                venue=data["venue"],
                body=data.get("body"),
                capacity=data["capacity"],
                proxy_cap=data.get("proxy_cap"),
                convocation=data.get("convocation"),
            )
        except ServiceError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("governance:meeting_detail", slug=saved.slug)
    return render(
        request,
        "governance/setup/meeting_form.html",
        {"form": form, "meeting": meeting, "congress": congress},
    )


@login_required
def agenda_edit(request: HttpRequest, slug: str) -> HttpResponse:
    _require_manager(request)
    meeting = get_object_or_404(Meeting, slug=slug)
    form = AgendaItemForm(request.POST or None, meeting=meeting)
    if request.method == "POST" and form.is_valid():
        try:
            services.agenda_item_add(user=request.user, meeting=meeting, **form.cleaned_data)
        except ServiceError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Agenda item added."))
            return redirect("governance:setup_agenda", slug=meeting.slug)
    return render(
        request,
        "governance/setup/agenda.html",
        {"meeting": meeting, "form": form, "agenda": selectors.agenda(meeting)},
    )


def _rule_initial(rule: DecisionRule) -> dict[str, Any]:
    return {
        "code": rule.code,
        "label_fr": rule.label_fr,
        "label_en": rule.label_en,
        "statutory_reference": rule.statutory_reference,
        "quorum_base": rule.quorum_base,
        "quorum_fraction": f"{rule.quorum_numerator}/{rule.quorum_denominator}",
        "quorum_comparator": rule.quorum_comparator,
        "proxies_count_for_quorum": rule.proxies_count_for_quorum,
        "quorum_on_second_convocation": rule.quorum_on_second_convocation,
        "majority_base": rule.majority_base,
        "majority_fraction": f"{rule.threshold_numerator}/{rule.threshold_denominator}",
        "comparator": rule.comparator,
        "tie_rule": rule.tie_rule,
        "voting_unit": rule.voting_unit,
        "max_proxies_per_holder": rule.max_proxies_per_holder,
    }


def _preview(data: dict[str, Any]) -> dict[str, str]:
    q, m = data["quorum_fraction"], data["majority_fraction"]
    snapshot = {
        "quorum_base": data["quorum_base"],
        "quorum_numerator": q.numerator,
        "quorum_denominator": q.denominator,
        "quorum_comparator": data["quorum_comparator"],
        "proxies_count_for_quorum": data["proxies_count_for_quorum"],
        "majority_base": data["majority_base"],
        "threshold_numerator": m.numerator,
        "threshold_denominator": m.denominator,
        "comparator": data["comparator"],
        "tie_rule": data["tie_rule"],
    }
    return describe_both(rule_from_snapshot(snapshot))


@login_required
def rule_edit(request: HttpRequest, code: str | None = None) -> HttpResponse:
    """Create or change a decision rule; *Preview* says in plain words what it means."""
    _require_manager(request)
    rule = get_object_or_404(DecisionRule, code=code) if code else None
    form = DecisionRuleForm(request.POST or None, initial=_rule_initial(rule) if rule else None)
    preview = None
    if rule is not None and request.method != "POST":
        preview = describe_both(rule_from_snapshot(rule.snapshot()))
    if request.method == "POST" and form.is_valid():
        preview = _preview(form.cleaned_data)
        if "save" in request.POST:
            try:
                saved = services.decision_rule_save(
                    user=request.user, rule=rule, **form.cleaned_data
                )
            except ServiceError as exc:
                _form_error(form, exc)
            else:
                messages.success(request, _("The rule is saved."))
                return redirect("governance:setup_rule", code=saved.code)
    if request.headers.get("HX-Request") and preview is not None:
        return render(request, "governance/setup/rule_preview.html", {"preview": preview})
    return render(
        request, "governance/setup/rule_form.html", {"form": form, "rule": rule, "preview": preview}
    )


@login_required
def resolution_new(request: HttpRequest) -> HttpResponse:
    """Paste a text in French and in English; it is split into aligned paragraphs."""
    _require_manager(request)
    initial = {}
    if request.GET.get("meeting"):
        meeting = Meeting.objects.filter(slug=request.GET["meeting"][:120]).first()
        if meeting is None:
            raise Http404(_("No meeting with this slug."))
        initial["meeting"] = meeting.pk
    form = ResolutionSetupForm(request.POST or None, initial=initial)
    preview = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            preview = services.aligned_paragraphs(data["text_fr"], data["text_en"])
            if "save" in request.POST:
                resolution = services.resolution_create(
                    user=request.user,
                    meeting=data["meeting"],
                    title_fr=data["title_fr"],
                    title_en=data["title_en"],
                    text_fr=data["text_fr"],
                    text_en=data["text_en"],
                    number=data["number"],
                    kind=data["kind"],
                )
                messages.success(request, _("The text is tabled."))
                return redirect("governance:resolution_detail", slug=resolution.slug)
        except ServiceError as exc:
            _form_error(form, exc)
    return render(
        request, "governance/setup/resolution_form.html", {"form": form, "preview": preview}
    )


# ---------------------------------------------------------------------------------------------
# Bodies and seats (a prize jury is a body), prize editions and nominations


@login_required
def body_list(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    bodies = Body.objects.annotate(
        current=Count("seats", filter=Q(seats__end__isnull=True) | Q(seats__end__gte=_today()))
    ).order_by("kind", "name")
    return render(request, "governance/setup/body_list.html", {"bodies": bodies})


def _today() -> dt.date:
    return timezone.localdate()


@login_required
def body_edit(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    """Create or change a body; its page lists its seats, current and past."""
    _require_manager(request)
    body = get_object_or_404(Body, slug=slug) if slug else None
    initial = None
    if body is not None:
        initial = {
            "kind": body.kind,
            "name_fr": body.name_fr,
            "name_en": body.name_en,
            "description_fr": body.description_fr,
            "description_en": body.description_en,
        }
    form = BodySetupForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.body_save(user=request.user, body=body, **form.cleaned_data)
        except ServiceError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("governance:setup_body", slug=saved.slug)
    seats = (
        body.seats.select_related("local_government", "person").order_by("-end", "role", "start")
        if body
        else []
    )
    return render(
        request,
        "governance/setup/body_form.html",
        {"form": form, "body": body, "seats": seats, "today": _today()},
    )


@login_required
def seat_edit(request: HttpRequest, slug: str, pk: int | None = None) -> HttpResponse:
    _require_manager(request)
    body = get_object_or_404(Body, slug=slug)
    seat = get_object_or_404(Seat, pk=pk, body=body) if pk else None
    initial: dict[str, Any] = {"start": _today(), "votes": 1}
    if seat is not None:
        initial = {
            "role": seat.role,
            "local_government": seat.local_government_id,
            "person": seat.person_id,
            "start": seat.start,
            "end": seat.end,
            "votes": seat.votes,
        }
    form = SeatSetupForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.seat_save(user=request.user, body=body, seat=seat, **form.cleaned_data)
        except ServiceError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("The seat is saved."))
            return redirect("governance:setup_body", slug=body.slug)
    return render(
        request, "governance/setup/seat_form.html", {"form": form, "body": body, "seat": seat}
    )


@login_required
def edition_list(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    editions = (
        PrizeEdition.objects.select_related("jury")
        .annotate(nomination_count=Count("nominations"))
        .order_by("-year")
    )
    return render(request, "governance/setup/edition_list.html", {"editions": editions})


@login_required
def edition_edit(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    """Create or change a prize edition; its page lists its nominations."""
    _require_manager(request)
    edition = get_object_or_404(PrizeEdition, slug=slug) if slug else None
    initial = None
    if edition is not None:
        initial = {
            "year": edition.year,
            "title_fr": edition.title_fr,
            "title_en": edition.title_en,
            "description_fr": edition.description_fr,
            "description_en": edition.description_en,
            "jury": edition.jury_id,
            "ceremony": edition.ceremony_id,
            "nominations_close": edition.nominations_close,
            "minimum_scores": edition.minimum_scores,
        }
    form = PrizeEditionSetupForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.prize_edition_save(
                user=request.user, edition=edition, **form.cleaned_data
            )
        except ServiceError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("governance:setup_edition", slug=saved.slug)
    nominations = (
        edition.nominations.select_related("nominee", "nominated_by").order_by(
            "nominee__family_name"
        )
        if edition
        else []
    )
    return render(
        request,
        "governance/setup/edition_form.html",
        {"form": form, "edition": edition, "nominations": nominations},
    )


@login_required
def nomination_edit(request: HttpRequest, slug: str, pk: int | None = None) -> HttpResponse:
    _require_manager(request)
    edition = get_object_or_404(PrizeEdition, slug=slug)
    nomination = get_object_or_404(Nomination, pk=pk, edition=edition) if pk else None
    initial = None
    if nomination is not None:
        initial = {
            "nominee": nomination.nominee_id,
            "nominated_by": nomination.nominated_by_id,
            "citation_fr": nomination.citation_fr,
            "citation_en": nomination.citation_en,
        }
    form = NominationSetupForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.nomination_save(
                user=request.user, edition=edition, nomination=nomination, **form.cleaned_data
            )
        except ServiceError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("The nomination is saved."))
            return redirect("governance:setup_edition", slug=edition.slug)
    return render(
        request,
        "governance/setup/nomination_form.html",
        {"form": form, "edition": edition, "nomination": nomination},
    )


# ---- registration types of a congress


def _congress_for_types(request: HttpRequest, slug: str) -> Meeting:
    congress = get_object_or_404(Meeting, slug=slug, kind=MeetingKind.CONGRESS)
    if not request.user.has_perm("governance.manage_registration_types", congress):
        raise PermissionDenied(_("This page is for the secretariat."))
    return congress


@login_required
def registration_type_list(request: HttpRequest, slug: str) -> HttpResponse:
    """A congress's registration types: places taken against the quota, fee, who may use
    it; deactivate or reactivate each (the form then stops or starts offering it)."""
    from edile.governance import registration_types as rt

    congress = _congress_for_types(request, slug)
    if request.method == "POST":
        try:
            pk, version = int(request.POST.get("type", "")), int(request.POST.get("version", ""))
        except ValueError:
            return HttpResponse(_("The form is incomplete: reload the page."), status=400)
        rtype = get_object_or_404(RegistrationType, pk=pk, congress=congress)
        active = request.POST.get("active") == "1"
        try:
            rt.registration_type_set_active(
                user=request.user, rtype=rtype, active=active, expected_version=version
            )
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            if active:
                messages.success(request, _("“%(type)s” is offered again.") % {"type": rtype.name})
            else:
                messages.success(
                    request, _("“%(type)s” is no longer offered.") % {"type": rtype.name}
                )
        return redirect("governance:setup_registration_types", slug=congress.slug)
    rt.registration_types_ensure_defaults(congress=congress)
    return render(
        request,
        "governance/setup/registration_type_list.html",
        {"congress": congress, "types": rt.registration_types(congress)},
    )


@login_required
def registration_type_edit(request: HttpRequest, slug: str, pk: int | None = None) -> HttpResponse:
    """Create or change a congress's registration type (refused if someone saved it since
    the form was opened)."""
    from edile.governance import registration_types as rt

    congress = _congress_for_types(request, slug)
    rtype = get_object_or_404(RegistrationType, pk=pk, congress=congress) if pk else None
    initial: dict[str, Any] | None = None
    if rtype is not None:
        initial = {
            "code": rtype.code,
            "name_fr": rtype.name_fr,
            "name_en": rtype.name_en,
            "fee": rtype.fee,
            "currency": rtype.currency,
            "quota": rtype.quota,
            "eligibility": rtype.eligibility,
            "gives_badge": rtype.gives_badge,
            "gives_voting_right": rtype.gives_voting_right,
            "is_active": rtype.is_active,
            "order": rtype.order,
            "version": rtype.version,
        }
    form = RegistrationTypeForm(request.POST or None, initial=initial, editing=rtype is not None)
    status = 400 if request.method == "POST" else 200
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        if rtype is not None and version is None:
            form.add_error(None, _("The form is incomplete: reload the page."))
        else:
            try:
                rt.registration_type_save(
                    user=request.user,
                    congress=congress,
                    rtype=rtype,
                    expected_version=version,
                    **data,
                )
            except ServiceError as exc:
                _form_error(form, exc)
                status = exc.status_code
            else:
                messages.success(request, _("The registration type is saved."))
                return redirect("governance:setup_registration_types", slug=congress.slug)
    return render(
        request,
        "governance/setup/registration_type_form.html",
        {"form": form, "congress": congress, "rtype": rtype},
        status=status,
    )

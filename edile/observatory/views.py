"""Pages of the observatory. Thin: validate, call a selector or service, render.

What a viewer sees is decided by `selectors.incident_view`; templates only display it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from edile.core.errors import ServiceError
from edile.core.htmx import render_page_or_fragment
from edile.core.http import client_ip
from edile.observatory import duplicates, reports, selectors, services
from edile.observatory.forms import (
    AccessLogFilterForm,
    ActForm,
    CountryForm,
    DuplicateRuleForm,
    FollowUpForm,
    ImportForm,
    IncidentCreateForm,
    IncidentFilterForm,
    IncidentForm,
    IncidentResponseForm,
    MergeForm,
    ReportForm,
    ScoreForm,
    ScoreIncidentForm,
    SourceForm,
    StatisticsForm,
    TransitionForm,
    VictimForm,
    VictimLinkForm,
    WitnessForm,
    vocabulary_form,
)
from edile.observatory.models import (
    Act,
    ConfidentialAccess,
    Criterion,
    Dimension,
    DuplicateRule,
    FollowUp,
    ImportBatch,
    Incident,
    IncidentMerge,
    IntakeReport,
    Pillar,
    Score,
    Source,
    VerificationStatus,
    Victim,
    ViolationType,
    Witness,
)
from edile.observatory.permissions import CONFIDENTIAL, RESTRICTED, can, level_for

PAGE_SIZE = 25
NOT_FOUND = gettext_lazy("No incident with this reference.")


def _client_id(request: HttpRequest) -> str:
    return client_ip(request)


def _ga_decision() -> dict[str, str] | None:
    """The General Assembly's decision to join the Observatory, if governance has it."""
    try:
        model = apps.get_model("governance", "Resolution")
    except LookupError:
        return None
    slug = "ga-2019-decision-observatory"
    try:
        url = reverse("governance:resolution_detail", kwargs={"slug": slug})
    except NoReverseMatch:
        return None
    resolution = model._default_manager.filter(slug=slug).first()
    if resolution is None:
        return None
    return {"url": url, "title": str(getattr(resolution, "title", "") or resolution)}


def index(request: HttpRequest) -> HttpResponse:
    context = {
        "figures": selectors.key_figures(request.user),
        "decision": _ga_decision(),
        "years": selectors.years_with_incidents(request.user)[:5],
        "is_analyst": can(request.user, "observatory.change_incident"),
        "can_see_log": can(request.user, "observatory.view_access_log"),
        "signed_in": request.user.is_authenticated,
    }
    return render(request, "observatory/index.html", context)


def _filters(request: HttpRequest) -> tuple[IncidentFilterForm, selectors.IncidentFilters]:
    analyst = level_for(request) >= CONFIDENTIAL
    form = IncidentFilterForm(request.GET or None, analyst=analyst)
    if form.is_bound and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
        return form, selectors.IncidentFilters(**data)
    return form, selectors.IncidentFilters()


def _log_list_read(request: HttpRequest, rows: list[dict[str, Any]]) -> None:
    revealed = sorted({part for row in rows for part in row["revealed"]})
    if revealed:
        services.confidential_read_log(
            user=request.user,
            what=f"incident list ({len(rows)}): " + ", ".join(revealed),
            path=request.get_full_path(),
        )


def incident_list(request: HttpRequest) -> HttpResponse:
    form, filters = _filters(request)
    level = level_for(request)
    paginator = Paginator(selectors.incident_list(request.user, filters), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    rows = [selectors.incident_view(i, level, full=False) for i in page.object_list]
    _log_list_read(request, rows)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "query": query.urlencode(),
        "is_analyst": level >= CONFIDENTIAL,
    }
    return render_page_or_fragment(
        request, "observatory/incident_list.html", "observatory/partials/results.html", context
    )


def _visible_incident(request: HttpRequest, reference: str) -> Incident:
    try:
        incident = selectors.incident_detail(request.user, reference)
    except Incident.DoesNotExist:
        # The same answer whether it does not exist or is hidden: existence is not revealed.
        raise Http404(NOT_FOUND) from None
    if not can(request.user, "observatory.view_incident", incident):
        # Defence in depth: the selector already filtered; the rule must agree.
        raise Http404(NOT_FOUND)
    return incident


def incident_detail(request: HttpRequest, reference: str) -> HttpResponse:
    incident = _visible_incident(request, reference)
    level = level_for(request)
    view = selectors.incident_view(incident, level)
    if view["revealed"]:
        services.confidential_read_log(
            user=request.user,
            incident=incident,
            what=", ".join(view["revealed"]),
            path=request.get_full_path(),
        )
    context = {
        "incident": view,
        "can_edit": can(request.user, "observatory.change_incident", incident),
        "can_see_history": level >= RESTRICTED,
        "responses": selectors.incident_responses(incident, request.user),
    }
    return render(request, "observatory/incident_detail.html", context)


def incident_history(request: HttpRequest, reference: str) -> HttpResponse:
    """What changed in the incident and its parts, with values shown by the viewer's level."""
    incident = _visible_incident(request, reference)
    level = level_for(request)
    if level < RESTRICTED:
        raise PermissionDenied(_("The history of an incident is for observatory members."))
    if level >= CONFIDENTIAL:
        services.confidential_read_log(
            user=request.user,
            incident=incident,
            what="incident history",
            path=request.get_full_path(),
        )
    context = {
        "incident": incident,
        "history": selectors.incident_history(incident, level),
        "is_analyst": level >= CONFIDENTIAL,
    }
    return render(request, "observatory/incident_history.html", context)


def _part_items(
    kind: str, parts: Any, incident: Incident, forms: dict[str, Any]
) -> list[tuple[Any, Any, str]]:
    """(item, its edit form, its address) for each act, witness, source or follow-up."""
    errors = forms.get("part_errors") or {}
    return [
        (
            part,
            errors.get(f"{kind}-{part.pk}") or _part_form(kind, part, incident),
            reverse("observatory:part_edit", args=[incident.reference, kind, part.pk]),
        )
        for part in parts
    ]


def _registry_search(request: HttpRequest, incident: Incident) -> dict[str, Any]:
    """The plain GET search of the registry for one victim (`?link_victim=<id>&registry_q=`)."""
    victim_id = request.GET.get("link_victim", "")
    q = request.GET.get("registry_q", "").strip()[:100]
    if not victim_id.isdigit():
        return {}
    matches = selectors.registry_matches(q, country=incident.country.code)
    return {"victim_id": int(victim_id), "q": q, **matches}


def _response_search(request: HttpRequest, incident: Incident) -> dict[str, Any]:
    """The plain GET search of resolutions and grant projects (`?response_q=`), leaving out
    what is already linked."""
    if "response_q" not in request.GET:
        return {}
    q = request.GET.get("response_q", "").strip()[:100]
    matches = selectors.response_matches(q, request.user)
    linked = list(incident.responses.values_list("resolution_id", "project_id"))
    resolutions = {r for r, _p in linked if r}
    projects = {p for _r, p in linked if p}
    return {
        "q": q,
        "resolutions": [r for r in matches["resolutions"] if r.pk not in resolutions],
        "projects": [p for p in matches["projects"] if p.pk not in projects],
    }


def _edit_context(incident: Incident, **forms: Any) -> dict[str, Any]:
    victims = list(incident.victims.select_related("person", "local_government"))
    acts = list(incident.acts.prefetch_related("violation_types", "victims", "perpetrators"))
    return {
        "incident": incident,
        "form": forms.get("form")
        or IncidentForm(instance=incident, initial={"version": incident.version}),
        "transitions": [
            (code, VerificationStatus(code).label)
            for code in services.allowed_transitions(incident.verification_status)
        ],
        "victim_forms": [
            (
                v,
                VictimForm(
                    prefix=f"v{v.pk}",
                    initial={
                        "name": v.name,
                        "gender": v.gender,
                        "office": v.office,
                        "mandate": v.mandate,
                        "identity_confidentiality": v.identity_confidentiality,
                        "contact": v.contact,
                    },
                ),
            )
            for v in victims
        ],
        "registry": forms.get("registry") or {},
        "response_search": forms.get("response_search") or {},
        "responses": list(
            incident.responses.select_related("resolution", "project").order_by("created_at", "pk")
        ),
        "new_victim_form": forms.get("new_victim_form") or VictimForm(prefix="newvictim"),
        "act_form": forms.get("act_form") or ActForm(prefix="act", incident=incident),
        "acts": acts,
        "witness_form": forms.get("witness_form") or WitnessForm(prefix="witness"),
        "source_form": forms.get("source_form") or SourceForm(prefix="source"),
        "follow_up_form": forms.get("follow_up_form") or FollowUpForm(prefix="followup"),
        "witnesses": list(incident.witnesses.all()),
        "sources": list(incident.sources.all()),
        "follow_ups": list(incident.follow_ups.all()),
        "act_items": _part_items("acts", acts, incident, forms),
        "witness_items": _part_items("witnesses", incident.witnesses.all(), incident, forms),
        "source_items": _part_items("sources", incident.sources.all(), incident, forms),
        "follow_up_items": _part_items("follow-ups", incident.follow_ups.all(), incident, forms),
        "history": selectors.incident_history(incident, CONFIDENTIAL, limit=30),
        "reports": list(incident.reports.order_by("created_at")),
    }


def _editable(request: HttpRequest, reference: str) -> Incident:
    if not can(request.user, "observatory.change_incident"):
        raise PermissionDenied(_("Only observatory analysts may edit incidents."))
    incident = Incident.objects.filter(reference=reference).first()
    if incident is None:
        raise Http404(NOT_FOUND)
    return incident


@login_required
def incident_edit(request: HttpRequest, reference: str) -> HttpResponse:
    incident = _editable(request, reference)
    status = 200
    form = None
    if request.method == "POST":
        form = IncidentForm(request.POST, instance=Incident.objects.get(pk=incident.pk))
        if form.is_valid():
            try:
                services.incident_update(
                    actor=request.user,
                    incident=incident,
                    data=form.cleaned_data,
                    expected_version=form.cleaned_data["version"],
                )
            except ServiceError as exc:
                form.add_error(None, exc.message)
                status = exc.status_code
            else:
                messages.success(request, _("The incident has been saved."))
                return redirect("observatory:incident_edit", reference=incident.reference)
        else:
            status = 400
    services.confidential_read_log(
        user=request.user,
        incident=incident,
        what="incident edit page",
        path=request.get_full_path(),
    )
    return render(
        request,
        "observatory/incident_edit.html",
        _edit_context(
            incident,
            form=form,
            registry=_registry_search(request, incident),
            response_search=_response_search(request, incident),
        ),
        status=status,
    )


@login_required
def incident_create(request: HttpRequest) -> HttpResponse:
    """An analyst records an incident directly; it starts confidential and unpublished."""
    if not can(request.user, "observatory.change_incident"):
        raise PermissionDenied(_("Only observatory analysts may record incidents."))
    status = 200
    if request.method == "POST":
        form = IncidentCreateForm(request.POST)
        if form.is_valid():
            try:
                incident = services.incident_create(actor=request.user, data=form.cleaned_data)
            except ServiceError as exc:
                form.add_error(None, exc.message)
                status = exc.status_code
            else:
                messages.success(request, _("The incident is recorded: add its victims and acts."))
                return redirect("observatory:incident_edit", reference=incident.reference)
        else:
            status = 400
    else:
        form = IncidentCreateForm()
    return render(request, "observatory/incident_create.html", {"form": form}, status=status)


def _done(request: HttpRequest, incident: Incident, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect("observatory:incident_edit", reference=incident.reference)


def _failed(request: HttpRequest, incident: Incident, error: str, status: int) -> HttpResponse:
    messages.error(request, error)
    incident.refresh_from_db()
    return render(request, "observatory/incident_edit.html", _edit_context(incident), status=status)


@login_required
@require_POST
def incident_transition(request: HttpRequest, reference: str) -> HttpResponse:
    incident = _editable(request, reference)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        return _failed(request, incident, _("Choose a valid status."), 400)
    try:
        services.incident_transition(
            actor=request.user,
            incident=incident,
            to=form.cleaned_data["to"],
            expected_version=form.cleaned_data["version"],
        )
    except ServiceError as exc:
        return _failed(request, incident, exc.message, exc.status_code)
    return _done(request, incident, _("The verification status has been changed."))


def _api_json(view: dict[str, Any]) -> str:
    """The public API's answer for this view, as the API would serialise it."""
    import json

    from edile.observatory.schemas import IncidentDetailOut

    data = IncidentDetailOut.model_validate(view).model_dump(mode="json")
    return json.dumps(data, ensure_ascii=False, indent=2)


@login_required
def incident_preview(request: HttpRequest, reference: str) -> HttpResponse:
    """The public copy beside the analyst's view: what each audience gets once published."""
    incident = _editable(request, reference)
    incident = selectors.incident_detail(request.user, incident.reference)
    context = {
        "incident": incident,
        "problems": selectors.publication_problems(incident),
        **_public_copies(incident),
        "can_publish": incident.verification_status == VerificationStatus.VERIFIED
        and not incident.is_published,
    }
    return render(request, "observatory/incident_preview.html", context)


def _public_copies(incident: Incident) -> dict[str, Any]:
    """The public copies of the preview (`partials/public_copies.html`): one rendering for the
    single preview and the bulk confirmation, so both show exactly the same thing."""
    copies = selectors.public_copy(incident)
    return {
        "copies": [
            (_("An anonymous reader"), copies["public"]),
            (_("An observatory partner"), copies["partner"]),
        ],
        "api_json": _api_json(copies["public"]) if copies["public"] else "",
    }


@login_required
@require_POST
def incident_publish(request: HttpRequest, reference: str) -> HttpResponse:
    """Publish (after the preview, with its confirmation box) or withdraw an incident."""
    incident = _editable(request, reference)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        return _failed(request, incident, _("The form is incomplete: reload the page."), 400)
    publish = request.POST.get("publish") == "1"
    if publish and request.POST.get("confirm") != "1":
        messages.error(
            request,
            _("Read the public copy and tick the confirmation box before publishing."),
        )
        return redirect("observatory:incident_preview", reference=incident.reference)
    try:
        services.incident_publish(
            actor=request.user,
            incident=incident,
            publish=publish,
            expected_version=version,
            override_reason=request.POST.get("override_reason", "")[:2000],
        )
    except ServiceError as exc:
        if publish:
            messages.error(request, exc.message)
            incident.refresh_from_db()
            return redirect("observatory:incident_preview", reference=incident.reference)
        return _failed(request, incident, exc.message, exc.status_code)
    return _done(
        request,
        incident,
        _("The incident is published.") if publish else _("The incident is no longer published."),
    )


BULK_PUBLICATION_MAX = 100


def _selection(values: list[str]) -> dict[str, int]:
    """{reference: version the analyst saw} from the `REF:VERSION` values of the form."""
    pairs: dict[str, int] = {}
    for value in values[:BULK_PUBLICATION_MAX]:
        reference, _sep, version = value.partition(":")
        if version.isdigit():
            pairs[reference] = int(version)
    return pairs


def _publication_review(request: HttpRequest) -> HttpResponse:
    """The confirmation step: the public copy of each selected incident, then one "publish".

    Each copy is the single preview's own rendering. An incident that is no longer verified
    and unpublished, or whose check finds a warning, is listed apart and not carried on to
    the final POST; the versions carried are the ones shown here, so a change made after
    this page was read is refused by the service (409 for that incident).
    """
    pairs = _selection(request.GET.getlist("incident"))
    if not pairs:
        return render(
            request,
            "observatory/incident_publication.html",
            {**_publication_rows(request), "error": _("Select at least one incident.")},
            status=400,
        )
    found = {
        i.reference: i
        for i in selectors.incident_list(request.user)
        .prefetch_related("sources", "follow_ups", "witnesses")
        .filter(reference__in=list(pairs))
    }
    entries, left_out = [], []
    for reference in pairs:
        incident = found.get(reference)
        if incident is None:
            left_out.append((reference, _("No incident with this reference.")))
            continue
        if incident.is_published or incident.verification_status != VerificationStatus.VERIFIED:
            left_out.append((reference, _("It is no longer a verified, unpublished incident.")))
            continue
        problems = selectors.publication_problems(incident)
        if problems:
            left_out.append((reference, " ".join(p.message() for p in problems)))
            continue
        entries.append(
            {
                "incident": incident,
                "changed": incident.version != pairs[reference],
                **_public_copies(incident),
            }
        )
    return render(
        request,
        "observatory/incident_publication_confirm.html",
        {"entries": entries, "left_out": left_out},
    )


def _publication_rows(request: HttpRequest) -> dict[str, Any]:
    waiting = selectors.incident_list(
        request.user, selectors.IncidentFilters(status=VerificationStatus.VERIFIED)
    ).filter(is_published=False)
    rows = [
        {"incident": i, "problems": selectors.publication_problems(i)}
        for i in waiting.prefetch_related("sources", "follow_ups", "witnesses")[:200]
    ]
    return {"rows": rows}


@login_required
def incident_publication(request: HttpRequest) -> HttpResponse:
    """Bulk publication of a reviewed selection of verified incidents."""
    if not can(request.user, "observatory.change_incident"):
        raise PermissionDenied(_("Only observatory analysts may publish incidents."))
    result = None
    error = ""
    status = 200
    if request.method == "GET" and request.GET.get("review") == "1":
        return _publication_review(request)
    if request.method == "POST":
        pairs = _selection(request.POST.getlist("incident"))
        if request.POST.get("confirm") != "1":
            error, status = _("Tick the box to confirm you have read each public copy."), 400
        elif not pairs:
            error, status = _("Select at least one incident."), 400
        else:
            found = {i.reference: i for i in Incident.objects.filter(reference__in=list(pairs))}
            selection = [(found[ref], v) for ref, v in pairs.items() if ref in found]
            result = services.incidents_publish_bulk(actor=request.user, selection=selection)
    return render(
        request,
        "observatory/incident_publication.html",
        {**_publication_rows(request), "result": result, "error": error},
        status=status,
    )


@login_required
@require_POST
def victim_edit(request: HttpRequest, reference: str, victim_id: int) -> HttpResponse:
    incident = _editable(request, reference)
    victim = get_object_or_404(Victim, pk=victim_id, incident=incident)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        return _failed(request, incident, _("The form is incomplete: reload the page."), 400)
    try:
        if request.POST.get("action") == "delete":
            services.victim_delete(
                actor=request.user, incident=incident, victim=victim, expected_version=version
            )
            return _done(request, incident, _("The victim has been removed."))
        form = VictimForm(request.POST, prefix=f"v{victim.pk}")
        if not form.is_valid():
            return _failed(request, incident, _("Check the victim's details."), 400)
        services.victim_update(
            actor=request.user, victim=victim, data=form.cleaned_data, expected_version=version
        )
    except ServiceError as exc:
        return _failed(request, incident, exc.message, exc.status_code)
    return _done(request, incident, _("The victim's details have been saved."))


@login_required
@require_POST
def victim_link(request: HttpRequest, reference: str, victim_id: int) -> HttpResponse:
    """Link a victim to a person and a local government of the members registry."""
    incident = _editable(request, reference)
    victim = get_object_or_404(Victim, pk=victim_id, incident=incident)
    form = VictimLinkForm(request.POST)
    if not form.is_valid():
        errors = [str(e) for field in form.errors.values() for e in field]
        return _failed(request, incident, " ".join(errors), 400)
    data = {k: form.cleaned_data[k] for k in ("person", "local_government") if k in request.POST}
    try:
        services.victim_link(
            actor=request.user,
            incident=incident,
            victim=victim,
            data=data,
            expected_version=form.cleaned_data["version"],
        )
    except ServiceError as exc:
        return _failed(request, incident, exc.message, exc.status_code)
    return _done(request, incident, _("The victim's link to the registry has been saved."))


@login_required
@require_POST
def incident_response(request: HttpRequest, reference: str) -> HttpResponse:
    """Add or remove the link to a resolution or a grant project (idempotent both ways)."""
    incident = _editable(request, reference)
    form = IncidentResponseForm(request.POST)
    if not form.is_valid():
        errors = [str(e) for field in form.errors.values() for e in field]
        return _failed(request, incident, " ".join(errors), 400)
    target = {
        "resolution": form.cleaned_data.get("resolution"),
        "project": form.cleaned_data.get("project"),
    }
    try:
        if form.cleaned_data["action"] == "add":
            _link, created = services.incident_response_add(
                actor=request.user, incident=incident, **target
            )
            message = (
                _("The link has been added.") if created else _("This link was already there.")
            )
        else:
            removed = services.incident_response_remove(
                actor=request.user, incident=incident, **target
            )
            message = _("The link has been removed.") if removed else _("There was no such link.")
    except ServiceError as exc:
        return _failed(request, incident, exc.message, exc.status_code)
    messages.success(request, message)
    return redirect(
        reverse("observatory:incident_edit", kwargs={"reference": incident.reference})
        + "#responses"
    )


def _responding_panel(request: HttpRequest, rows: list[dict[str, Any]], heading: str) -> str:
    # Nothing at all when the reader may see none: no heading, no count, no hint.
    if not rows:
        return ""
    return render_to_string(
        "observatory/partials/responding_incidents.html",
        {"incidents": rows, "heading": heading},
        request=request,
    )


def resolution_panel(request: HttpRequest, resolution: Any) -> str:
    """Registered for governance's resolution page (`core.panels`, see apps.py)."""
    return _responding_panel(
        request,
        selectors.responding_incidents(request.user, resolution=resolution),
        _("Incidents this text responds to"),
    )


def project_panel(request: HttpRequest, project: Any) -> str:
    """Registered for grants' public project page (`core.panels`, see apps.py)."""
    return _responding_panel(
        request,
        selectors.responding_incidents(request.user, project=project),
        _("Incidents this project responds to"),
    )


def _add(
    request: HttpRequest, reference: str, form_class: type, service: Any, key: str, message: str
) -> HttpResponse:
    incident = _editable(request, reference)
    # Prefixes keep the ids of the several forms on the edit page unique.
    prefix = {
        "witness_form": "witness",
        "source_form": "source",
        "new_victim_form": "newvictim",
        "act_form": "act",
    }.get(key, "followup")
    extra = {"incident": incident} if form_class is ActForm else {}
    form = form_class(request.POST, prefix=prefix, **extra)
    if form.is_valid():
        service(actor=request.user, incident=incident, data=form.cleaned_data)
        return _done(request, incident, message)
    return render(
        request,
        "observatory/incident_edit.html",
        _edit_context(incident, **{key: form}),
        status=400,
    )


@login_required
@require_POST
def victim_add(request: HttpRequest, reference: str) -> HttpResponse:
    return _add(
        request,
        reference,
        VictimForm,
        services.victim_add,
        "new_victim_form",
        _("The victim has been added."),
    )


@login_required
@require_POST
def act_add(request: HttpRequest, reference: str) -> HttpResponse:
    return _add(
        request, reference, ActForm, services.act_add, "act_form", _("The act has been added.")
    )


@login_required
@require_POST
def witness_add(request: HttpRequest, reference: str) -> HttpResponse:
    return _add(
        request,
        reference,
        WitnessForm,
        services.witness_add,
        "witness_form",
        _("The witness has been added."),
    )


@login_required
@require_POST
def source_add(request: HttpRequest, reference: str) -> HttpResponse:
    return _add(
        request,
        reference,
        SourceForm,
        services.source_add,
        "source_form",
        _("The source has been added."),
    )


@login_required
@require_POST
def follow_up_add(request: HttpRequest, reference: str) -> HttpResponse:
    return _add(
        request,
        reference,
        FollowUpForm,
        services.follow_up_add,
        "follow_up_form",
        _("The follow-up has been added."),
    )


PARTS: dict[str, tuple[Any, type, Any, Any]] = {
    # kind in the address: (model, form, what is saved, what is removed)
    "acts": (
        Act,
        ActForm,
        gettext_lazy("The act has been saved."),
        gettext_lazy("The act has been removed."),
    ),
    "witnesses": (
        Witness,
        WitnessForm,
        gettext_lazy("The witness has been saved."),
        gettext_lazy("The witness has been removed."),
    ),
    "sources": (
        Source,
        SourceForm,
        gettext_lazy("The source has been saved."),
        gettext_lazy("The source has been removed."),
    ),
    "follow-ups": (
        FollowUp,
        FollowUpForm,
        gettext_lazy("The follow-up has been saved."),
        gettext_lazy("The follow-up has been removed."),
    ),
}


def _part_form(kind: str, part: Any, incident: Incident, data: Any = None) -> Any:
    """The edit form of one act, witness, source or follow-up (unique prefix per item)."""
    form_class = PARTS[kind][1]
    prefix = f"{kind}-{part.pk}"
    extra = {"incident": incident} if form_class is ActForm else {}
    if data is not None:
        return form_class(data, prefix=prefix, **extra)
    if isinstance(part, Act):
        perpetrator = part.perpetrators.order_by("pk").first()
        initial = {
            "violation_types": [v.code for v in part.violation_types.all()],
            "victims": [v.pk for v in part.victims.all()],
            "perpetrator_type": perpetrator.perpetrator_type if perpetrator else "unknown",
            "perpetrator_description": perpetrator.description if perpetrator else "",
            "description": part.description,
        }
    else:
        initial = {name: getattr(part, name) for name in form_class.base_fields}
    return form_class(prefix=prefix, initial=initial, **extra)


@login_required
@require_POST
def part_edit(request: HttpRequest, reference: str, kind: str, part_id: int) -> HttpResponse:
    """Save or remove one act (with its perpetrator), witness, source or follow-up."""
    if kind not in PARTS:
        raise Http404(NOT_FOUND)
    incident = _editable(request, reference)
    model, _form_class, saved, removed = PARTS[kind]
    part = get_object_or_404(model, pk=part_id, incident=incident)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        return _failed(request, incident, _("The form is incomplete: reload the page."), 400)
    try:
        if request.POST.get("action") == "delete":
            services.part_delete(
                actor=request.user, incident=incident, part=part, expected_version=version
            )
            return _done(request, incident, removed)
        form = _part_form(kind, part, incident, request.POST)
        if not form.is_valid():
            incident.refresh_from_db()
            context = _edit_context(incident, part_errors={f"{kind}-{part.pk}": form})
            messages.error(request, _("Check the fields of the item you edited."))
            return render(request, "observatory/incident_edit.html", context, status=400)
        services.part_update(
            actor=request.user,
            incident=incident,
            part=part,
            data=form.cleaned_data,
            expected_version=version,
        )
    except ServiceError as exc:
        return _failed(request, incident, exc.message, exc.status_code)
    return _done(request, incident, saved)


# ---- Intake --------------------------------------------------------------------------------


def report_create(request: HttpRequest) -> HttpResponse:
    status = 200
    if request.method == "POST":
        form = ReportForm(request.POST)
        if form.is_spam:
            # Pretend success: a robot learns nothing, and nothing is stored.
            return redirect("observatory:report_thanks")
        if form.is_valid():
            try:
                services.report_submit(
                    actor=request.user, data=form.cleaned_data, client_id=_client_id(request)
                )
            except ServiceError as exc:
                form.add_error(None, exc.message)
                status = exc.status_code
            else:
                return redirect("observatory:report_thanks")
        else:
            status = 400
    else:
        form = ReportForm()
    return render(request, "observatory/report_form.html", {"form": form}, status=status)


def report_thanks(request: HttpRequest) -> HttpResponse:
    return render(request, "observatory/report_thanks.html")


@login_required
def my_reports(request: HttpRequest) -> HttpResponse:
    """A partner or city follows what became of the reports they sent (their own only)."""
    return render(
        request,
        "observatory/my_reports.html",
        {"reports": selectors.reports_submitted_by(request.user)},
    )


def _analyst(request: HttpRequest) -> None:
    if not can(request.user, "observatory.triage_report"):
        raise PermissionDenied(_("Only observatory analysts may triage reports."))


@login_required
def report_queue(request: HttpRequest) -> HttpResponse:
    _analyst(request)
    return render(request, "observatory/report_queue.html", {"reports": selectors.report_queue()})


@login_required
def report_triage(request: HttpRequest, report_id: int) -> HttpResponse:
    _analyst(request)
    report = get_object_or_404(IntakeReport, pk=report_id)
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "accept":
                incident = services.report_accept(actor=request.user, report=report)
                messages.success(request, _("The report is now an incident: complete it."))
                return redirect("observatory:incident_edit", reference=incident.reference)
            if action == "duplicate":
                incident = Incident.objects.filter(
                    reference=request.POST.get("incident", "")
                ).first()
                if incident is None:
                    raise ServiceError(_("Choose the incident this report duplicates."))
                services.report_mark_duplicate(actor=request.user, report=report, incident=incident)
                messages.success(request, _("The report is marked as a duplicate."))
                return redirect("observatory:report_queue")
            if action == "reject":
                services.report_reject(actor=request.user, report=report)
                messages.success(request, _("The report has been rejected."))
                return redirect("observatory:report_queue")
            raise ServiceError(_("Unknown action."))
        except ServiceError as exc:
            messages.error(request, exc.message)
            status = exc.status_code
    services.confidential_read_log(
        user=request.user,
        report=report,
        what="intake report",
        path=request.get_full_path(),
    )
    duplicates = selectors.report_duplicates(report)
    context = {
        "report": report,
        "duplicates": [selectors.incident_view(i, CONFIDENTIAL, full=False) for i in duplicates],
    }
    return render(request, "observatory/report_triage.html", context, status=status)


@login_required
def duplicate_list(request: HttpRequest) -> HttpResponse:
    """Possible duplicates among incidents and pending reports; the rule analysts may tune."""
    _analyst(request)
    rule = DuplicateRule.current()
    status = 200
    form = DuplicateRuleForm(instance=rule)
    if request.method == "POST":
        form = DuplicateRuleForm(request.POST, instance=rule)
        if form.is_valid():
            form.save()
            messages.success(request, _("The duplicate rule has been saved."))
            return redirect("observatory:duplicate_list")
        status = 400
    pairs = duplicates.possible_duplicates(rule)
    services.confidential_read_log(
        user=request.user, what="possible duplicates", path=request.get_full_path()
    )
    context = {
        "pairs": pairs,
        "scan_limit": duplicates.SCAN_LIMIT,
        "rule_form": form,
        "merges": IncidentMerge.objects.select_related("kept", "absorbed", "merged_by")[:50],
    }
    return render(request, "observatory/duplicates.html", context, status=status)


def _merge_side(incident: Incident) -> dict[str, Any]:
    view = selectors.incident_view(incident, CONFIDENTIAL)
    return {
        "incident": incident,
        "view": view,
        "counts": {
            "acts": incident.acts.count(),
            "sources": incident.sources.count(),
            "witnesses": incident.witnesses.count(),
            "follow_ups": incident.follow_ups.count(),
            "reports": incident.reports.count(),
        },
    }


@login_required
def incident_merge(request: HttpRequest) -> HttpResponse:
    """Compare two incidents side by side and merge one into the other."""
    if not can(request.user, "observatory.change_incident"):
        raise PermissionDenied(_("Only observatory analysts may merge incidents."))
    source = request.POST if request.method == "POST" else request.GET
    refs = (source.get("keep", ""), source.get("absorb", ""))
    found = {
        i.reference: i
        for i in Incident.objects.filter(reference__in=refs, merged_into__isnull=True)
    }
    if refs[0] not in found or refs[1] not in found or refs[0] == refs[1]:
        messages.error(request, _("Choose two different incidents that are not merged yet."))
        return redirect("observatory:duplicate_list")
    kept, absorbed = found[refs[0]], found[refs[1]]
    status = 200
    form = MergeForm(
        initial={
            "keep": kept.reference,
            "absorb": absorbed.reference,
            "keep_version": kept.version,
            "absorb_version": absorbed.version,
        }
    )
    if request.method == "POST":
        form = MergeForm(request.POST)
        if form.is_valid():
            try:
                services.incident_merge(
                    actor=request.user,
                    kept=kept,
                    absorbed=absorbed,
                    kept_version=form.cleaned_data["keep_version"],
                    absorbed_version=form.cleaned_data["absorb_version"],
                    reason=form.cleaned_data["reason"],
                )
            except ServiceError as exc:
                form.add_error(None, exc.message)
                status = exc.status_code
            else:
                messages.success(
                    request,
                    _("%(absorbed)s has been merged into %(kept)s.")
                    % {"absorbed": absorbed.reference, "kept": kept.reference},
                )
                return redirect("observatory:incident_edit", reference=kept.reference)
        else:
            status = 400
    for incident in (kept, absorbed):
        services.confidential_read_log(
            user=request.user, incident=incident, what="merge page", path=request.get_full_path()
        )
    context = {
        "form": form,
        "sides": [_merge_side(kept), _merge_side(absorbed)],
        "swap": f"?keep={absorbed.reference}&absorb={kept.reference}",
    }
    return render(request, "observatory/incident_merge.html", context, status=status)


@login_required
@require_POST
def incident_merge_undo(request: HttpRequest, merge_id: int) -> HttpResponse:
    if not can(request.user, "observatory.change_incident"):
        raise PermissionDenied(_("Only observatory analysts may merge incidents."))
    merge = get_object_or_404(IncidentMerge, pk=merge_id)
    try:
        services.incident_merge_undo(actor=request.user, merge=merge)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("observatory:duplicate_list")
    messages.success(
        request,
        _("The merge is undone: %(ref)s is its own record again (unpublished).")
        % {"ref": merge.absorbed.reference},
    )
    return redirect("observatory:duplicate_list")


def _vocabulary_allowed(request: HttpRequest) -> None:
    if not (
        can(request.user, "observatory.change_incident")
        or can(request.user, "observatory.change_score")
    ):
        raise PermissionDenied(_("Only observatory analysts may edit the vocabularies."))


VOCABULARY_MODELS: dict[str, Any] = {
    "violation-types": ViolationType,
    "pillars": Pillar,
    "criteria": Criterion,
}


@login_required
def vocabulary(request: HttpRequest) -> HttpResponse:
    """Violation types, benchmark pillars and criteria with their weights: analysts' pages."""
    _vocabulary_allowed(request)
    context = {
        "violation_types": ViolationType.objects.order_by("order", "code"),
        "pillars": Pillar.objects.prefetch_related("criteria").order_by("order", "code"),
    }
    return render(request, "observatory/vocabulary.html", context)


@login_required
def vocabulary_edit(request: HttpRequest, kind: str, term_id: int | None = None) -> HttpResponse:
    _vocabulary_allowed(request)
    if kind not in VOCABULARY_MODELS:
        raise Http404(_("No such vocabulary."))
    model = VOCABULARY_MODELS[kind]
    term = get_object_or_404(model, pk=term_id) if term_id else model()
    status = 200
    if request.method == "POST":
        form = vocabulary_form(kind, request.POST, instance=term)
        if form.is_valid():
            try:
                services.vocabulary_save(
                    actor=request.user, kind=kind, term=form.instance, data=form.cleaned_data
                )
            except ServiceError as exc:
                form.add_error(None, exc.message)
                status = exc.status_code
            else:
                messages.success(request, _("The term has been saved."))
                return redirect("observatory:vocabulary")
        else:
            status = 400
    else:
        form = vocabulary_form(kind, instance=term)
    context = {"form": form, "term": term, "kind": kind}
    return render(request, "observatory/vocabulary_edit.html", context, status=status)


@login_required
def incident_import(request: HttpRequest) -> HttpResponse:
    if not can(request.user, "observatory.import_incidents"):
        raise PermissionDenied(_("Only observatory analysts may import incidents."))
    result = None
    status = 200
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                result = services.incidents_import(
                    actor=request.user,
                    data=upload.read(),
                    filename=upload.name,
                    dry_run=form.cleaned_data["dry_run"],
                    mapping=form.cleaned_data["mapping"],
                    confirm_verified=form.cleaned_data["confirm_verified"],
                )
            except ServiceError as exc:
                form.add_error("file", exc.message)
                status = 400
            else:
                if result.ok and result.dry_run:
                    # Ready for the real run: the same file, with the box unticked.
                    form = ImportForm(
                        initial={"dry_run": False, "mapping": request.POST.get("mapping", "")}
                    )
                elif result.ok:
                    messages.success(
                        request, _("%(count)s incidents imported.") % {"count": result.created}
                    )
                    if not result.possible_duplicates:
                        return redirect("observatory:incident_list")
                    # Shown to the analyst now: the imported incidents that may be duplicates.
                    form = ImportForm()
                else:
                    status = 400
        else:
            status = 400
    else:
        form = ImportForm()
    batches = ImportBatch.objects.select_related("imported_by", "undone_by")[:20]
    return render(
        request,
        "observatory/import.html",
        {"form": form, "result": result, "batches": batches},
        status=status,
    )


@login_required
@require_POST
def import_batch_undo(request: HttpRequest, batch_id: int) -> HttpResponse:
    """Undo an import while its incidents are unchanged and unpublished; else a refusal."""
    if not can(request.user, "observatory.import_incidents"):
        raise PermissionDenied(_("Only observatory analysts may undo imports."))
    batch = get_object_or_404(ImportBatch, pk=batch_id)
    try:
        count = services.import_batch_undo(actor=request.user, batch=batch)
    except ServiceError as exc:
        # Said once, by the page, above the recent imports (not also as a flash message).
        batches = ImportBatch.objects.select_related("imported_by", "undone_by")[:20]
        return render(
            request,
            "observatory/import.html",
            {"form": ImportForm(), "result": None, "batches": batches, "undo_error": exc.message},
            status=exc.status_code,
        )
    messages.success(
        request, _("The import is undone: %(count)s incidents deleted.") % {"count": count}
    )
    return redirect("observatory:incident_import")


@login_required
def access_log(request: HttpRequest) -> HttpResponse:
    """The log of confidential reads: filters (person, incident, dates), pages, CSV export."""
    if not can(request.user, "observatory.view_access_log"):
        raise PermissionDenied(_("Only administrators may read this log."))
    form = AccessLogFilterForm(request.GET or None)
    entries = ConfidentialAccess.objects.select_related("user", "incident", "report")
    status = 200
    if form.is_bound and not form.is_valid():
        status = 400
    elif form.is_bound:
        data = form.cleaned_data
        if data.get("person"):
            entries = entries.filter(user__email__icontains=data["person"])
        if data.get("incident"):
            entries = entries.filter(incident__reference__iexact=data["incident"])
        if data.get("since"):
            entries = entries.filter(accessed_at__date__gte=data["since"])
        if data.get("until"):
            entries = entries.filter(accessed_at__date__lte=data["until"])
    if request.GET.get("format") == "csv" and status == 200:
        from edile.core.exports import csv_response

        rows = (
            [
                e.accessed_at.isoformat(),
                e.user.email,
                e.what,
                e.incident.reference if e.incident else "",
                e.path,
            ]
            for e in entries.iterator(chunk_size=1000)
        )
        return csv_response(["when", "who", "what", "incident", "address"], rows, "read-log")
    page = Paginator(entries, 100).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    query["format"] = "csv"
    return render(
        request,
        "observatory/access_log.html",
        {"entries": page.object_list, "page": page, "form": form, "csv_query": query.urlencode()},
        status=status,
    )


# ---- Statistics, map, annual report --------------------------------------------------------


def _statistics_filters(request: HttpRequest) -> tuple[StatisticsForm, selectors.StatisticsFilters]:
    form = StatisticsForm(request.GET or None)
    if form.is_bound and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
        return form, selectors.StatisticsFilters(**data)
    return form, selectors.StatisticsFilters()


def _chart(rows: list[dict[str, Any]]) -> list[tuple[str, int]]:
    # Suppressed cells are not drawn: a bar would reveal the hidden count.
    return [(r["label"], r["count"]) for r in rows if r["count"] is not None]


def statistics(request: HttpRequest) -> HttpResponse:
    form, filters = _statistics_filters(request)
    stats, computed_at = selectors.statistics_summary(request.user, filters)
    context = {
        "form": form,
        "stats": stats,
        "computed_at": computed_at,
        "charts": {
            "year": _chart(stats["by_year"]),
            "violation": _chart(stats["by_violation"]),
            "country": _chart(stats["by_country"][:15]),
        },
    }
    return render(request, "observatory/statistics.html", context)


def incident_map(request: HttpRequest) -> HttpResponse:
    by = "region" if request.GET.get("by") == "region" else "country"
    rows, computed_at = selectors.map_data_summary(request.user, by=by)
    points = [
        {"lat": r["lat"], "lon": r["lon"], "label": f"{r['label']}: {r['display']}", "url": ""}
        for r in rows
        if r["lat"] is not None
    ]
    context = {"rows": rows, "points": points, "by": by, "computed_at": computed_at}
    return render(request, "observatory/map.html", context)


def _year(value: int) -> int:
    if not 1900 <= value <= dt.date.today().year:
        raise Http404(_("No annual report for this year."))
    return value


def _log_report_read(request: HttpRequest, year: int, what: str) -> None:
    if level_for(request) >= CONFIDENTIAL:
        services.confidential_read_log(
            user=request.user,
            what=f"{what} {year} (internal: every incident)",
            path=request.get_full_path(),
        )


def annual_report(request: HttpRequest, year: int) -> HttpResponse:
    year = _year(year)
    context = reports.annual_report_context(request.user, year, level_for(request))
    context["method"] = reports.method_note(context["level"])
    context["list_note"] = reports.list_note(context)
    _log_report_read(request, year, "annual report page")
    return render(request, "observatory/annual_report.html", context)


def annual_report_pdf(request: HttpRequest, year: int) -> HttpResponse:
    year = _year(year)
    response = reports.annual_report_pdf(request.user, year, level_for(request))
    _log_report_read(request, year, "annual report PDF")
    return response


# ---- Legal benchmark -----------------------------------------------------------------------


def benchmark(request: HttpRequest) -> HttpResponse:
    pillars = selectors.pillars_with_criteria()
    error = ""
    try:
        weights = services.parse_weights(request.GET, [p.code for p in pillars])
    except ServiceError as exc:
        weights, error = {}, exc.message
    selected = [c.upper() for c in request.GET.getlist("c") if c][:5]
    data = selectors.benchmark(weights=weights)
    compared = [c for c in data["countries"] if c["country"] in selected] or data["countries"][:3]
    context = {
        "data": data,
        "compared": compared,
        "selected": selected,
        "error": error,
        "criteria": selectors.criteria(),
        "can_edit": can(request.user, "observatory.change_score"),
        "country_form": CountryForm(),
    }
    return render(request, "observatory/benchmark.html", context, status=400 if error else 200)


def benchmark_country(request: HttpRequest, country: str) -> HttpResponse:
    level = level_for(request)
    data = selectors.benchmark(countries_filter=[country], level=level)
    if not data["countries"]:
        raise Http404(_("No legal benchmark for this country."))
    entry = data["countries"][0]
    scores = sorted(
        entry["scores"],
        key=lambda s: (s.criterion.pillar.order, s.criterion.order, s.dimension),
    )
    for score in scores:
        # Only the cited incidents this viewer may see, by the incidents' own rule.
        score.evidence = selectors.score_evidence(score, level)
    context = {
        "entry": entry,
        "history_chart": [
            (str(h["year"]), h["index_de_jure"])
            for h in entry["history"]
            if h["index_de_jure"] is not None
        ],
        "scores": scores,
        "can_edit": can(request.user, "observatory.change_score"),
    }
    return render(request, "observatory/benchmark_country.html", context)


@login_required
@require_POST
def benchmark_country_add(request: HttpRequest) -> HttpResponse:
    if not can(request.user, "observatory.change_score"):
        raise PermissionDenied(_("Only observatory analysts may edit scores."))
    country = request.POST.get("country", "").upper()
    try:
        services.benchmark_country_add(actor=request.user, country=country)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("observatory:benchmark")
    return redirect("observatory:benchmark_country", country=country)


@login_required
def score_edit(request: HttpRequest, score_id: int) -> HttpResponse:
    if not can(request.user, "observatory.change_score"):
        raise PermissionDenied(_("Only observatory analysts may edit scores."))
    score = get_object_or_404(Score.objects.select_related("criterion__pillar"), pk=score_id)
    status = 200
    if request.method == "POST":
        form = ScoreForm(request.POST)
        if form.is_valid():
            try:
                services.score_update(
                    actor=request.user,
                    score=score,
                    data=form.cleaned_data,
                    expected_version=form.cleaned_data["version"],
                )
            except ServiceError as exc:
                form.add_error(None, exc.message)
                status = exc.status_code
            else:
                messages.success(request, _("The score has been saved."))
                return redirect("observatory:benchmark_country", country=score.country.code)
        else:
            status = 400
    else:
        form = _score_form(score)
    return _score_edit_page(request, score, form, status=status)


def _score_edit_page(
    request: HttpRequest,
    score: Score,
    form: ScoreForm,
    *,
    incident_form: ScoreIncidentForm | None = None,
    status: int = 200,
) -> HttpResponse:
    q = request.GET.get("q", "") if score.dimension == Dimension.DE_FACTO else ""
    context = {
        "score": score,
        "form": form,
        "history": selectors.score_history(score),
        "is_de_facto": score.dimension == Dimension.DE_FACTO,
        "cited": score.incidents.order_by("date_start", "reference"),
        "incident_form": incident_form
        or ScoreIncidentForm(initial={"version": score.version}, auto_id="cite_%s"),
        "q": q,
        "choices": selectors.score_incident_choices(request.user, score, q),
    }
    return render(request, "observatory/score_edit.html", context, status=status)


def _score_form(score: Score) -> ScoreForm:
    return ScoreForm(
        initial={
            "status": score.status,
            "value": score.value,
            "citation": score.citation,
            "excerpt": score.excerpt,
            "url": score.url,
            "text_date": score.text_date,
            "coder": score.coder,
            "reviewer": score.reviewer,
            "government_reply": score.government_reply,
            "version": score.version,
        }
    )


@login_required
@require_POST
def score_incidents(request: HttpRequest, score_id: int) -> HttpResponse:
    """Cite an incident as evidence of a de facto score, or stop citing it (analysts)."""
    if not can(request.user, "observatory.change_score"):
        raise PermissionDenied(_("Only observatory analysts may edit scores."))
    score = get_object_or_404(Score.objects.select_related("criterion__pillar"), pk=score_id)
    form = ScoreIncidentForm(request.POST, auto_id="cite_%s")
    status = 400
    if form.is_valid():
        cite = form.cleaned_data["action"] == "add"
        try:
            incident = services.score_incident_change(
                actor=request.user,
                score=score,
                reference=form.cleaned_data["reference"],
                cite=cite,
                expected_version=form.cleaned_data["version"],
            )
        except ServiceError as exc:
            form.add_error(None, exc.message)
            status = exc.status_code
        else:
            if cite:
                message = _("Incident %(reference)s is now cited by this score.")
            else:
                message = _("Incident %(reference)s is no longer cited by this score.")
            messages.success(request, message % {"reference": incident.reference})
            return redirect("observatory:score_edit", score_id=score.pk)
    score.refresh_from_db()
    return _score_edit_page(request, score, _score_form(score), incident_form=form, status=status)

"""Sanitation pages: thin views over selectors and services, permission-checked per object."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext, pgettext_lazy
from django.views.decorators.http import require_POST

from edile.core.errors import ServiceError
from edile.core.exports import tabular_response
from edile.core.formatting import format_date, format_number
from edile.core.imports import ImportFileError
from edile.members.models import LocalGovernment
from edile.sanitation import forms, graphic, selectors, services
from edile.sanitation.imports import containment_survey_import
from edile.sanitation.models import (
    Containment,
    DesludgingRequest,
    FlagRule,
    Operator,
    PlantReception,
    Programme,
    ReconciliationFlag,
    SfdStudy,
    TreatmentSite,
    Trip,
    Zone,
)
from edile.sanitation.permissions import officer_city_ids

EXPORT_FORMATS = ("csv", "xlsx")
PAGE_SIZE = 100


def _errors(request: HttpRequest, exc: ServiceError) -> None:
    for error in exc.errors:
        messages.error(request, error)


def _city(slug: str) -> LocalGovernment:
    return get_object_or_404(LocalGovernment, slug=slug)


def _check(request: HttpRequest, perm: str, obj: Any) -> None:
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied(_("You may not see this page."))


def m3(litres: int | float | None) -> str:
    """Litres shown in cubic metres, in the reader's language."""
    return f"{format_number(round((litres or 0) / 1000, 1))} m³"


# --- the module's home ------------------------------------------------------------------------


def index(request: HttpRequest) -> HttpResponse:
    user = request.user
    officer_cities = LocalGovernment.objects.filter(pk__in=officer_city_ids(user))
    if user.has_perm("sanitation.use_workspace") and not officer_cities:
        from edile.accounts.selectors import is_staff_role

        if is_staff_role(user):
            officer_cities = LocalGovernment.objects.filter(
                Q(sanitation_zones__isnull=False) | Q(sanitation_studies__isnull=False)
            ).distinct()
    public_cities = LocalGovernment.objects.filter(
        sanitation_settings__figures_public=True
    ).order_by("name")
    return render(
        request,
        "sanitation/index.html",
        {
            "studies": selectors.visible_studies(user).order_by("local_government__name", "-year"),
            "programmes": Programme.objects.filter(is_public=True).select_related(
                "local_government"
            ),
            "officer_cities": officer_cities,
            "public_cities": public_cities,
            "is_operator": user.is_authenticated and user.sanitation_operators.exists(),
            "is_plant": user.is_authenticated and user.sanitation_sites.exists(),
        },
    )


# --- a city's dashboard -----------------------------------------------------------------------


def city_dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    city = _city(slug)
    if not request.user.has_perm("sanitation.view_dashboard", city):
        if not request.user.is_authenticated:
            from django.contrib.auth.views import redirect_to_login

            return redirect_to_login(request.get_full_path())
        raise PermissionDenied(_("This city's figures are not public."))
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year") or selectors.latest_year(city) or today.year)
    except ValueError:
        return HttpResponseBadRequest(_("The year must be a number."))
    if not 1990 <= year <= today.year + 1:
        return HttpResponseBadRequest(_("The year must be between 1990 and next year."))
    zones = Zone.objects.filter(local_government=city)
    zone_id = request.GET.get("zone") or None
    if zone_id is not None:
        if not zone_id.isdigit() or not zones.filter(pk=zone_id).exists():
            return HttpResponseBadRequest(_("Unknown zone."))
        zone_id = int(zone_id)
    data = selectors.dashboard(city, year=year, zone_id=zone_id)
    from django.utils.dates import MONTHS_3

    month_rows = [
        (str(MONTHS_3[m["month"]]).title(), round(m["received_l"] / 1000, 1))
        for m in data["months"]
    ]
    emptied_rows = [
        (str(MONTHS_3[m["month"]]).title(), round(m["emptied_l"] / 1000, 1)) for m in data["months"]
    ]
    manages = request.user.has_perm("sanitation.manage_registry", city)
    overdue_points = _overdue_points(city, zone_id) if manages else []
    return render(
        request,
        "sanitation/dashboard.html",
        {
            "city": city,
            "data": data,
            "year": year,
            "zones": zones,
            "zone_id": zone_id,
            "m3": m3,
            "emptied_m3": m3(data["emptied_l"]),
            "received_m3": m3(data["received_l"]),
            "month_rows": month_rows,
            "emptied_rows": emptied_rows,
            "manages": manages,
            "registry_kinds": _registry_kinds().values() if manages else (),
            "flag_rows": [
                (label, data["flags_by_rule"].get(value, 0)) for value, label in FlagRule.choices
            ],
            "studies": selectors.visible_studies(request.user).filter(local_government=city),
            "overdue_points": overdue_points,
        },
    )


MAP_POINTS = 300


def _overdue_points(city: LocalGovernment, zone_id: int | None) -> list[dict[str, Any]]:
    """The overdue containments with a position (their properties'), for the officer's map:
    the most overdue first, at most `MAP_POINTS`. Never on a public page (households)."""
    from edile.sanitation.models import Property

    properties = Property.objects.filter(
        local_government=city,
        latitude__isnull=False,
        longitude__isnull=False,
        containments__next_emptying_due__lt=timezone.localdate(),
    )
    if zone_id:
        properties = properties.filter(zone_id=zone_id)
    rows = properties.order_by("containments__next_emptying_due").values(
        "latitude",
        "longitude",
        "address",
        "containments__pk",
        "containments__reference",
        "containments__next_emptying_due",
    )[:MAP_POINTS]
    return [
        {
            "lat": float(row["latitude"]),
            "lon": float(row["longitude"]),
            "label": f"{row['containments__reference']} — {row['address']}",
            "url": reverse(
                "sanitation:containment_detail", args=[city.slug, row["containments__pk"]]
            ),
            "reference": row["containments__reference"],
            "address": row["address"],
            "due": row["containments__next_emptying_due"],
        }
        for row in rows
    ]


# --- requests (the officer) -------------------------------------------------------------------


@login_required
def request_list(request: HttpRequest, slug: str) -> HttpResponse:
    city = _city(slug)
    _check(request, "sanitation.manage_registry", city)
    form = forms.RequestForm(request.POST or None, local_government=city)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.request_create(
                actor=request.user,
                containment=form.cleaned_data["containment"],
                channel=form.cleaned_data["channel"],
                applicant_name=form.cleaned_data["applicant_name"],
                applicant_phone=form.cleaned_data["applicant_phone"],
                trips_estimated=form.cleaned_data["trips_estimated"],
                is_emergency=form.cleaned_data["is_emergency"],
            )
        except ServiceError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("Request %(ref)s recorded.") % {"ref": created.reference})
            return redirect("sanitation:request_detail", pk=created.pk)
    requests = (
        DesludgingRequest.objects.filter(local_government=city)
        .select_related("state", "containment", "operator")
        .order_by("-created_at")
    )
    state = request.GET.get("state")
    if state:
        requests = requests.filter(state__code=state)
    return render(
        request,
        "sanitation/request_list.html",
        {"city": city, "form": form, "requests": requests[:PAGE_SIZE], "state": state},
    )


def _local(moment: dt.datetime | None) -> str:
    """A timestamp in the city's time, as text (spreadsheets take no time zones)."""
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def _request_rows(qs: Any) -> Any:
    for r in qs.iterator(chunk_size=2000):
        yield [
            r.reference,
            r.created_at.date(),
            r.get_channel_display(),
            r.containment.reference,
            r.state.name,
            r.operator.name if r.operator else "",
            r.fee_amount,
            r.fee_currency,
            r.scheduled_for or "",
            _local(r.sla_deadline),
            _local(r.served_at),
        ]


@login_required
def request_export(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    """Requests without the applicants' names or phones: no personal data leaves the page."""
    city = _city(slug)
    _check(request, "sanitation.manage_registry", city)
    if fmt not in EXPORT_FORMATS:
        return HttpResponseBadRequest(_("Unknown format: use csv or xlsx."))
    headers = [
        _("Reference"),
        _("Date"),
        _("Channel"),
        _("Containment"),
        _("State"),
        _("Operator"),
        _("Fee"),
        _("Currency"),
        _("Scheduled for"),
        _("Service deadline"),
        _("Served at"),
    ]
    qs = DesludgingRequest.objects.filter(local_government=city).select_related(
        "state", "containment", "operator"
    )
    return tabular_response(fmt, headers, _request_rows(qs), f"sanitation-requests-{city.slug}")


def _job(request: HttpRequest, pk: int) -> DesludgingRequest:
    job = get_object_or_404(
        DesludgingRequest.objects.select_related(
            "state", "containment", "operator", "vehicle", "local_government"
        ),
        pk=pk,
    )
    if not request.user.has_perm("sanitation.work_job", job):
        raise Http404(_("No such job."))
    return job


@login_required
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    officer = request.user.has_perm("sanitation.manage_registry", job)
    actions = services.request_available_actions(actor=request.user, request=job)
    context: dict[str, Any] = {
        "job": job,
        "officer": officer,
        "actions": [
            a for a in actions if a.action not in ("assign", "reassign", "accept", "empty")
        ],
        "can_assign": any(a.action in ("assign", "reassign") for a in actions),
        "can_accept": any(a.action == "accept" for a in actions),
        "can_empty": any(a.action == "empty" for a in actions),
        "steps": job.steps.select_related("target", "actor"),
        "properties": job.containment.properties.select_related("zone"),
    }
    if context["can_assign"]:
        context["assign_form"] = forms.AssignForm(local_government=job.local_government)
    if context["can_accept"]:
        context["accept_form"] = forms.AcceptForm(operator=job.operator)
    if context["can_empty"]:
        context["emptying_form"] = forms.EmptyingForm()
    context["note_form"] = forms.NoteForm()
    return render(request, "sanitation/request_detail.html", context)


@login_required
@require_POST
def request_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    job = _job(request, pk)
    kwargs: dict[str, Any] = {}
    if action in ("assign", "reassign"):
        form = forms.AssignForm(request.POST, local_government=job.local_government)
        if not form.is_valid():
            messages.error(request, _("Choose the operator to assign."))
            return redirect("sanitation:request_detail", pk=job.pk)
        kwargs["operator"] = form.cleaned_data["operator"]
    elif action == "accept":
        form = forms.AcceptForm(request.POST, operator=job.operator)
        if not form.is_valid():
            messages.error(request, _("Choose the vehicle and the date of the emptying."))
            return redirect("sanitation:request_detail", pk=job.pk)
        kwargs.update(
            vehicle=form.cleaned_data["vehicle"], scheduled_for=form.cleaned_data["scheduled_for"]
        )
    note_form = forms.NoteForm(request.POST)
    note = note_form.cleaned_data["note"] if note_form.is_valid() else ""
    try:
        services.request_transition(
            actor=request.user, request=job, action=action, note=note, **kwargs
        )
    except ServiceError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("Done."))
    return redirect("sanitation:request_detail", pk=job.pk)


@login_required
@require_POST
def emptying_new(request: HttpRequest, pk: int) -> HttpResponse:
    """The crew's light form: it posts without JavaScript and answers with the job page."""
    job = _job(request, pk)
    form = forms.EmptyingForm(request.POST, request.FILES)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for error in errors:
                messages.error(request, f"{label}: {error}" if label else error)
        return redirect("sanitation:request_detail", pk=job.pk)
    data = form.cleaned_data
    try:
        services.emptying_record(
            actor=request.user,
            request=job,
            volume_l=data["volume_l"],
            trips=data["trips"],
            receipt_number=data["receipt_number"],
            amount_collected=data["amount_collected"],
            latitude=data["latitude"],
            longitude=data["longitude"],
            photo=data["photo"],
            ppe={
                "gloves": data["ppe_gloves"],
                "boots": data["ppe_boots"],
                "mask": data["ppe_mask"],
                "overalls": data["ppe_overalls"],
            },
        )
    except ServiceError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("Emptying recorded."))
        if not request.user.has_perm("sanitation.manage_registry", job):
            return redirect("sanitation:jobs")
    return redirect("sanitation:request_detail", pk=job.pk)


# --- the operator's jobs and trips ------------------------------------------------------------


@login_required
def jobs(request: HttpRequest) -> HttpResponse:
    operators = request.user.sanitation_operators.all()
    if not operators:
        raise PermissionDenied(_("Your account works for no operator."))
    open_jobs = selectors.operator_jobs(request.user).filter(state__is_terminal=False)
    form = forms.TripForm(request.POST or None, operators=operators)
    if request.method == "POST" and form.is_valid():
        try:
            trip = services.trip_create(
                actor=request.user,
                vehicle=form.cleaned_data["vehicle"],
                site=form.cleaned_data["site"],
                loads=[(e, e.volume_l) for e in form.cleaned_data["emptyings"]],
            )
        except ServiceError as exc:
            _errors(request, exc)
        else:
            messages.success(
                request,
                _("Trip %(ref)s recorded: %(volume)s.")
                % {"ref": trip.reference, "volume": m3(trip.declared_volume_l)},
            )
            return redirect("sanitation:jobs")
    return render(
        request,
        "sanitation/jobs.html",
        {
            "jobs": open_jobs.exclude(state__code__in=["disposed", "feedback"]),
            "form": form,
            "trips": Trip.objects.filter(operator__in=operators).select_related("site")[:20],
        },
    )


# --- the plant --------------------------------------------------------------------------------


@login_required
def plant(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    sites = TreatmentSite.objects.filter(accounts=request.user)
    if pk is not None:
        site = get_object_or_404(TreatmentSite, pk=pk)
    else:
        site = sites.first()
        if site is None:
            raise PermissionDenied(_("Your account records receptions at no plant."))
    _check(request, "sanitation.record_reception", site)
    form = forms.ReceptionForm(request.POST or None, site=site)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.reception_record(
                actor=request.user,
                site=site,
                trip=data["trip"],
                plate_seen=data["plate_seen"],
                received_volume_l=data["received_volume_l"],
                declined=data["declined"],
                decline_reason=data["decline_reason"],
            )
        except ServiceError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("Reception recorded."))
            return redirect("sanitation:plant_site", pk=site.pk)
    return render(
        request,
        "sanitation/plant.html",
        {
            "site": site,
            "sites": sites,
            "form": form,
            "receptions": PlantReception.objects.filter(site=site).select_related("trip")[:50],
            "m3": m3,
        },
    )


# --- the registry (the officer) ---------------------------------------------------------------


@login_required
def containment_list(request: HttpRequest, slug: str) -> HttpResponse:
    city = _city(slug)
    _check(request, "sanitation.manage_registry", city)
    report = None
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            report = containment_survey_import(
                actor=request.user, local_government=city, data=upload.read(), filename=upload.name
            )
        except ImportFileError as exc:
            messages.error(request, str(exc))
        else:
            if report.ok:
                messages.success(
                    request,
                    _("Survey imported: %(created)s new, %(updated)s updated.")
                    % {"created": report.created, "updated": report.updated},
                )
                return redirect("sanitation:containment_list", slug=city.slug)
    today = timezone.localdate()
    containments = Containment.objects.filter(local_government=city).order_by("reference")
    if request.GET.get("overdue"):
        containments = containments.filter(next_emptying_due__lt=today)
    return render(
        request,
        "sanitation/containment_list.html",
        {
            "city": city,
            "containments": containments[:PAGE_SIZE],
            "count": containments.count(),
            "form": form,
            "report": report,
            "today": today,
            "operators": Operator.objects.filter(local_government=city).annotate(
                vehicle_count=Count("vehicles")
            ),
            "sites": TreatmentSite.objects.filter(local_government=city),
        },
    )


@login_required
def containment_export(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    """The registry of containments: no owner's name or phone."""
    city = _city(slug)
    _check(request, "sanitation.manage_registry", city)
    if fmt not in EXPORT_FORMATS:
        return HttpResponseBadRequest(_("Unknown format: use csv or xlsx."))
    headers = [
        _("Reference"),
        _("Local type"),
        _("SFD containment"),
        _("SFD outlet"),
        _("Volume (litres)"),
        _("Construction date"),
        _("Last emptied on"),
        _("Next emptying due"),
        _("Times emptied"),
    ]

    def rows() -> Any:
        for c in Containment.objects.filter(local_government=city).iterator(chunk_size=2000):
            yield [
                c.reference,
                c.local_type,
                c.sfd_containment,
                c.sfd_outlet,
                c.volume_l or "",
                c.construction_date or "",
                c.last_emptied_on or "",
                c.next_emptying_due or "",
                c.times_emptied,
            ]

    return tabular_response(fmt, headers, rows(), f"sanitation-containments-{city.slug}")


# --- reconciliation ---------------------------------------------------------------------------


@login_required
def flag_list(request: HttpRequest, slug: str) -> HttpResponse:
    city = _city(slug)
    _check(request, "sanitation.manage_registry", city)
    if request.method == "POST":
        result = services.reconciliation_run(local_government=city)
        messages.success(
            request,
            _("Reconciliation done: %(new)s new flags, %(resolved)s no longer detected.")
            % {"new": result["new"], "resolved": result["resolved"]},
        )
        return redirect("sanitation:flag_list", slug=city.slug)
    flags = ReconciliationFlag.objects.filter(local_government=city)
    show = request.GET.get("show", "open")
    if show == "open":
        flags = flags.filter(resolved_at__isnull=True)
    return render(
        request,
        "sanitation/flag_list.html",
        {"city": city, "flags": flags[:PAGE_SIZE], "show": show, "form": forms.ResolveForm()},
    )


@login_required
@require_POST
def flag_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    flag = get_object_or_404(ReconciliationFlag, pk=pk)
    _check(request, "sanitation.manage_registry", flag)
    form = forms.ResolveForm(request.POST)
    try:
        services.flag_resolve(actor=request.user, flag=flag, note=form.data.get("note", ""))
    except ServiceError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("Flag resolved."))
    return redirect("sanitation:flag_list", slug=flag.local_government.slug)


@login_required
def flag_export(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    city = _city(slug)
    _check(request, "sanitation.manage_registry", city)
    if fmt not in EXPORT_FORMATS:
        return HttpResponseBadRequest(_("Unknown format: use csv or xlsx."))
    headers = [_("Rule"), _("Severity"), _("Detail"), _("Date"), _("Resolved at"), _("Note")]

    def rows() -> Any:
        for f in ReconciliationFlag.objects.filter(local_government=city).iterator():
            yield [
                f.get_rule_display(),
                f.get_severity_display(),
                f.message,
                f.occurred_on,
                _local(f.resolved_at),
                f.resolution_note,
            ]

    return tabular_response(fmt, headers, rows(), f"sanitation-flags-{city.slug}")


# --- SFD-style estimates ----------------------------------------------------------------------


def _study(request: HttpRequest, pk: int) -> SfdStudy:
    study = get_object_or_404(SfdStudy.objects.select_related("local_government"), pk=pk)
    if not request.user.has_perm("sanitation.view_study", study):
        raise Http404(_("No such estimate."))
    return study


def _header(study: SfdStudy) -> dict[str, str]:
    parts = [study.get_level_display(), study.get_basis_display(), study.get_status_display()]
    if study.prepared_by:
        parts.append(_("prepared by %(who)s") % {"who": study.prepared_by})
    footer = _("SFD-style estimate, method: %(method)s.") % {"method": study.method_version}
    if study.is_fictional:
        footer += " " + _("Fictional inputs, for demonstration.")
    return {
        "title": f"{study.local_government.name}, {study.year} — {study.title}",
        "subtitle": " · ".join(parts),
        "footer": footer,
    }


def study_detail(request: HttpRequest, pk: int) -> HttpResponse:
    study = _study(request, pk)
    result = selectors.study_result(study)
    svg = None
    if result and "errors" not in result:
        svg = graphic.to_svg(graphic.layout(result, header=_header(study)), title=study.title)
    rows = study.rows.select_related("cell").prefetch_related("variables")
    return render(
        request,
        "sanitation/study_detail.html",
        {
            "study": study,
            "result": result,
            "svg": svg,
            "rows": rows,
            "can_change": request.user.has_perm("sanitation.change_study", study),
        },
    )


def study_graphic(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    study = _study(request, pk)
    result = selectors.study_result(study)
    if not result or "errors" in result:
        return HttpResponseBadRequest("; ".join((result or {}).get("errors", [])))
    canvas = graphic.layout(result, header=_header(study))
    name = f"sfd-{study.local_government.slug}-{study.year}"
    if fmt == "svg":
        response = HttpResponse(graphic.to_svg(canvas, title=study.title), "image/svg+xml")
    elif fmt == "png":
        response = HttpResponse(graphic.to_png(canvas), "image/png")
    elif fmt == "pdf":
        response = HttpResponse(graphic.to_pdf(canvas, title=study.title), "application/pdf")
    else:
        return HttpResponseBadRequest(_("Unknown format: use svg, png or pdf."))
    response["Content-Disposition"] = f'inline; filename="{name}.{fmt}"'
    return response


@login_required
@require_POST
def study_propose(request: HttpRequest, pk: int) -> HttpResponse:
    study = _study(request, pk)
    try:
        count = services.sfd_variables_propose(actor=request.user, study=study)
    except ServiceError as exc:
        _errors(request, exc)
    else:
        messages.success(
            request,
            _("%(count)s values proposed from the service chain, marked as derived.")
            % {"count": count},
        )
    return redirect("sanitation:study_detail", pk=study.pk)


@login_required
@require_POST
def variable_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    from edile.sanitation.models import SfdVariable

    variable = get_object_or_404(SfdVariable.objects.select_related("row__study"), pk=pk)
    try:
        services.sfd_variable_confirm(actor=request.user, variable=variable)
    except ServiceError as exc:
        _errors(request, exc)
    return redirect("sanitation:study_detail", pk=variable.row.study_id)


# --- programmes ------------------------------------------------------------------------------


def programme_detail(request: HttpRequest, slug: str) -> HttpResponse:
    programme = get_object_or_404(
        Programme.objects.select_related("local_government", "grant"), slug=slug
    )
    if not request.user.has_perm("sanitation.view_programme", programme):
        raise Http404(_("No such programme."))
    summary = selectors.programme_summary(programme)
    chart = [
        (_("Plan"), round(float(summary["plan_eur"]) / 1e6, 2)),
        (_("Pledged"), round(float(summary["pledged_eur"]) / 1e6, 2)),
        (_("Committed"), round(float(summary["committed_eur"]) / 1e6, 2)),
        (_("Disbursed"), round(float(summary["disbursed_eur"]) / 1e6, 2)),
        (_("Gap to the plan"), round(float(summary["gap_to_plan_eur"]) / 1e6, 2)),
    ]
    return render(
        request,
        "sanitation/programme_detail.html",
        {
            "programme": programme,
            "summary": summary,
            "chart": chart,
            "studies": programme.studies.all(),
            "plan": programme.plan.all(),
            "financings": programme.financings.select_related("partner"),
        },
    )


@login_required
def fleet(request: HttpRequest, slug: str) -> HttpResponse:
    """The operators' vehicles and their documents, expired ones marked; renew a document."""
    from edile.sanitation.models import Vehicle

    city = _city(slug)
    _check(request, "sanitation.manage_registry", city)
    if request.method == "POST":
        vehicle = get_object_or_404(
            Vehicle.objects.select_related("operator"),
            pk=request.POST.get("vehicle") or 0,
            operator__local_government=city,
        )
        form = forms.VehicleDocumentForm(request.POST)
        if form.is_valid():
            try:
                services.vehicle_document_set(
                    actor=request.user, vehicle=vehicle, **form.cleaned_data
                )
            except ServiceError as exc:
                _errors(request, exc)
            else:
                messages.success(request, _("Document recorded."))
                return redirect("sanitation:fleet", slug=city.slug)
        else:
            for field, errors in form.errors.items():
                for error in errors:
                    messages.error(request, f"{form.fields[field].label}: {error}")
    vehicles = (
        Vehicle.objects.filter(operator__local_government=city)
        .select_related("operator")
        .prefetch_related("documents")
        .order_by("operator__name", "plate")
    )
    return render(
        request,
        "sanitation/fleet.html",
        {
            "city": city,
            "vehicles": vehicles,
            "today": timezone.localdate(),
            "form": forms.VehicleDocumentForm(),
        },
    )


# --- the registry the officer keeps: zones, operators, vehicles, workers, sites, tariffs -------


class RegistryKind:
    """One list of the registry: its model, form, how it is scoped to a city, its columns."""

    def __init__(
        self,
        key: str,
        title: Any,
        form: type,
        city_filter: str,
        columns: list[str],
        related: tuple[str, ...] = (),
        many: tuple[str, ...] = (),
        search: tuple[str, ...] = (),
        filters: tuple[tuple[str, Any, list[tuple[str, Any]]], ...] = (),
        detail: str = "",
    ) -> None:
        self.key, self.title, self.form = key, title, form
        self.model = form._meta.model
        self.city_filter, self.columns = city_filter, columns
        self.related, self.many = related, many
        # Long lists: a search box over `search`, choice filters (GET name, label, choices
        # whose values `filter_queryset` understands) and pages; `detail` names a record's page.
        self.search, self.filters, self.detail = search, filters, detail

    def queryset(self, city: LocalGovernment) -> Any:
        qs = self.model.objects.filter(**{self.city_filter: city})
        if self.related:
            qs = qs.select_related(*self.related)
        if self.many:
            qs = qs.prefetch_related(*self.many)
        return qs


def _registry_kinds() -> dict[str, RegistryKind]:
    from django.utils.translation import gettext_lazy

    kinds = [
        RegistryKind(
            "zones",
            gettext_lazy("Zones"),
            forms.ZoneForm,
            "local_government",
            ["code", "name", "is_low_income", "groundwater_risk"],
        ),
        RegistryKind(
            "operators",
            gettext_lazy("Operators"),
            forms.OperatorForm,
            "local_government",
            ["name", "licence_number", "licence_valid_until", "is_municipal", "zones", "accounts"],
            many=("zones", "accounts"),
        ),
        RegistryKind(
            "vehicles",
            gettext_lazy("Vehicles"),
            forms.VehicleForm,
            "operator__local_government",
            ["plate", "operator", "tank_capacity_l", "is_active"],
            related=("operator",),
        ),
        RegistryKind(
            "workers",
            gettext_lazy("Workers"),
            forms.WorkerForm,
            "operator__local_government",
            ["name", "operator", "role", "driving_licence", "ppe_issued_on"],
            related=("operator",),
        ),
        RegistryKind(
            "sites",
            gettext_lazy("Treatment plants and discharge points"),
            forms.TreatmentSiteForm,
            "local_government",
            ["name", "kind", "design_capacity_l_per_day", "opens_at", "closes_at", "accounts"],
            many=("accounts",),
        ),
        RegistryKind(
            "tariffs",
            gettext_lazy("Tariff rules"),
            forms.TariffRuleForm,
            "local_government",
            [
                "priority",
                "name",
                "property_type",
                "low_income",
                "max_tank_capacity_l",
                "max_distance_km",
                "amount_per_trip",
                "currency",
            ],
        ),
        RegistryKind(
            "properties",
            gettext_lazy("Properties"),
            forms.PropertyForm,
            "local_government",
            [
                "reference",
                "address",
                "zone",
                "property_type",
                "households",
                "residents",
                "is_low_income",
            ],
            related=("zone",),
            search=("reference", "address"),
            filters=(
                ("zone", gettext_lazy("Zone"), []),
                (
                    "low_income",
                    gettext_lazy("Low-income household"),
                    [
                        ("yes", pgettext_lazy("a yes/no field", "Yes")),
                        ("no", pgettext_lazy("a yes/no field", "No")),
                    ],
                ),
            ),
        ),
        RegistryKind(
            "containments",
            gettext_lazy("Containments"),
            forms.ContainmentForm,
            "local_government",
            [
                "reference",
                "local_type",
                "sfd_containment",
                "sfd_outlet",
                "volume_l",
                "last_emptied_on",
                "emptying_interval_months",
                "next_emptying_due",
            ],
            many=("properties",),
            search=("reference", "local_type"),
            filters=(
                ("zone", gettext_lazy("Zone"), []),
                (
                    "status",
                    gettext_lazy("Emptying"),
                    [
                        ("overdue", gettext_lazy("Overdue")),
                        ("due", gettext_lazy("Due within the horizon")),
                        ("never", gettext_lazy("Never emptied")),
                    ],
                ),
            ),
            detail="sanitation:containment_detail",
        ),
    ]
    return {k.key: k for k in kinds}


def _registry_filtered(
    spec: RegistryKind, city: LocalGovernment, params: Any
) -> tuple[Any, list[dict[str, Any]], str]:
    """The kind's records for a city, narrowed by the list's search and filters."""
    qs = spec.queryset(city)
    q = (params.get("q") or "").strip()[:100]
    if q and spec.search:
        condition = Q()
        for name in spec.search:
            condition |= Q(**{f"{name}__icontains": q})
        qs = qs.filter(condition)
    filters = []
    zones = None
    for name, label, choices in spec.filters:
        if name == "zone":
            zones = zones or [
                (str(pk), zname)
                for pk, zname in Zone.objects.filter(local_government=city).values_list(
                    "pk", "name"
                )
            ]
            choices = zones
        value = params.get(name) or ""
        if value not in {c for c, _label in choices}:
            value = ""
        filters.append({"name": name, "label": label, "choices": choices, "value": value})
        if not value:
            continue
        if name == "zone":
            qs = qs.filter(
                **(
                    {"zone_id": value}
                    if spec.key == "properties"
                    else {"properties__zone_id": value}
                )
            ).distinct()
        elif name == "low_income":
            qs = qs.filter(is_low_income=value == "yes")
        elif name == "status":
            today = timezone.localdate()
            if value == "overdue":
                qs = qs.filter(next_emptying_due__lt=today)
            elif value == "due":
                cfg = services.city_settings_get(city)
                qs = qs.filter(
                    next_emptying_due__gte=today,
                    next_emptying_due__lte=today + dt.timedelta(days=cfg.schedule_horizon_days),
                )
            else:
                qs = qs.filter(times_emptied=0, last_emptied_on__isnull=True)
    return qs, filters, q


def _registry_kind(key: str) -> RegistryKind:
    kinds = _registry_kinds()
    if key not in kinds:
        raise Http404(_("No such list."))
    return kinds[key]


def _cell(record: Any, name: str, *, export: bool = False) -> Any:
    """A record's field for a list (text in the reader's language) or an export (dates and
    numbers kept as such)."""
    from edile.core.formatting import format_date

    field = record._meta.get_field(name)
    if field.many_to_many:
        return ", ".join(str(v) for v in getattr(record, name).all())
    if field.choices:
        return str(getattr(record, f"get_{name}_display")() or "")
    value = getattr(record, name)
    if value is None or value == "":
        if field.get_internal_type() == "BooleanField":
            return str(_("Either"))
        return "" if export else "—"
    if isinstance(value, bool):
        return pgettext("a yes/no field", "Yes") if value else pgettext("a yes/no field", "No")
    if export:
        return value if not isinstance(value, dt.time) else value.strftime("%H:%M")
    if isinstance(value, dt.datetime | dt.time):
        return value.strftime("%H:%M")
    if isinstance(value, dt.date):
        return format_date(value, fmt="short")
    if isinstance(value, int | float) and not isinstance(value, bool):
        return format_number(value)
    return str(value)


def _registry_headers(kind: RegistryKind) -> list[str]:
    return [
        str(kind.model._meta.get_field(name).verbose_name).capitalize() for name in kind.columns
    ]


@login_required
def registry_list(request: HttpRequest, slug: str, kind: str) -> HttpResponse:
    city = _city(slug)
    _check(request, "sanitation.manage_registry", city)
    spec = _registry_kind(kind)
    from django.core.paginator import Paginator

    qs, filters, q = _registry_filtered(spec, city, request.GET)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "sanitation/registry_list.html",
        {
            "city": city,
            "kind": spec,
            "kinds": _registry_kinds().values(),
            "headers": _registry_headers(spec),
            "rows": [(r, [_cell(r, name) for name in spec.columns]) for r in page.object_list],
            "page": page,
            "filters": filters,
            "q": q,
            "query": query.urlencode(),
        },
    )


@login_required
def registry_export(request: HttpRequest, slug: str, kind: str, fmt: str) -> HttpResponse:
    city = _city(slug)
    _check(request, "sanitation.manage_registry", city)
    spec = _registry_kind(kind)
    if fmt not in EXPORT_FORMATS:
        return HttpResponseBadRequest(_("Unknown format: use csv or xlsx."))
    # Built now, in the reader's language: a streamed answer is read after the view returns.
    qs, _filters, _q = _registry_filtered(spec, city, request.GET)
    rows = [[_cell(r, name, export=True) for name in spec.columns] for r in qs]
    return tabular_response(
        fmt, _registry_headers(spec), rows, f"sanitation-{spec.key}-{city.slug}"
    )


@login_required
def registry_edit(
    request: HttpRequest, slug: str, kind: str, pk: int | None = None
) -> HttpResponse:
    """Create or change one record of the city's registry (never another city's: 404)."""
    city = _city(slug)
    _check(request, "sanitation.manage_registry", city)
    spec = _registry_kind(kind)
    record = get_object_or_404(spec.queryset(city), pk=pk) if pk is not None else None
    form = spec.form(request.POST or None, instance=record, local_government=city)
    if hasattr(form.instance, "local_government_id") and record is None:
        form.instance.local_government = city
    if request.method == "POST" and form.is_valid():
        many = {name: list(form.cleaned_data[name]) for name in spec.many if name in form.fields}
        try:
            saved = services.registry_record_save(
                actor=request.user,
                local_government=city,
                record=form.save(commit=False),
                many=many,
            )
        except ServiceError as exc:
            for error in exc.errors:
                form.add_error(None, error)
        else:
            messages.success(request, _("“%(name)s” is saved.") % {"name": saved})
            return redirect("sanitation:registry_list", slug=city.slug, kind=spec.key)
    return render(
        request,
        "sanitation/registry_form.html",
        {"city": city, "kind": spec, "form": form, "record": record},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def containment_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """A containment of the city: what it is, the properties it serves, its emptyings and
    requests (another city's: 404)."""
    city = _city(slug)
    _check(request, "sanitation.manage_registry", city)
    containment = get_object_or_404(Containment.objects.filter(local_government=city), pk=pk)
    return render(
        request,
        "sanitation/containment_detail.html",
        {
            "city": city,
            "containment": containment,
            "properties": containment.properties.select_related("zone"),
            "requests": containment.requests.select_related("state", "operator")[:50],
            "emptyings": containment.emptyings.select_related("operator", "vehicle")[:50],
            "today": timezone.localdate(),
            "volume_m3": m3(containment.volume_l),
        },
    )


@login_required
def schedule(request: HttpRequest, slug: str) -> HttpResponse:
    """Scheduled emptying: the containments due or overdue, by priority band; the officer
    checks some (or all) and creates their requests in one step, spread over working days
    within the daily trip capacity."""
    from django.core.paginator import Paginator

    city = _city(slug)
    _check(request, "sanitation.manage_registry", city)
    cfg = services.city_settings_get(city)
    # Bound on every POST, even an empty one (nothing ticked is an error to show).
    form = forms.ScheduleForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                created = services.scheduled_requests_create(
                    actor=request.user,
                    local_government=city,
                    containment_ids=form.containment_ids,
                    start=form.cleaned_data.get("start"),
                )
            except ServiceError as exc:
                for error in exc.errors:
                    form.add_error(None, error)
            else:
                messages.success(
                    request,
                    ngettext(
                        "%(count)s request created, scheduled on %(first)s.",
                        "%(count)s requests created, scheduled from %(first)s to %(last)s.",
                        len(created),
                    )
                    % {
                        "count": len(created),
                        "first": format_date(created[0].scheduled_for, fmt="short"),
                        "last": format_date(created[-1].scheduled_for, fmt="short"),
                    },
                )
                return redirect("sanitation:schedule", slug=city.slug)
        status = 400
    band = request.GET.get("band") or ""
    due = selectors.containments_due(city, band=band)
    page = Paginator(due, PAGE_SIZE).get_page(request.GET.get("page"))
    bands = [
        ("1", _("Overdue by more than a year")),
        ("2", _("Overdue")),
        ("3", _("Due within %(days)s days") % {"days": cfg.schedule_horizon_days}),
    ]
    return render(
        request,
        "sanitation/schedule.html",
        {
            "city": city,
            "cfg": cfg,
            "form": form,
            "page": page,
            "band": band,
            "bands": bands,
            "band_names": dict(bands),
        },
        status=status,
    )


MATRIX_BLANK_ROWS = 2


def _matrix_rows(study: SfdStudy) -> list[dict[str, Any]]:
    """The study's matrix as the editor shows it (strings, per row and variable)."""
    rows = []
    for row in study.rows.select_related("cell").prefetch_related("variables"):
        variables = {v.name: v for v in row.variables.all()}
        rows.append(
            {
                "code": row.cell.code,
                "description": row.description,
                "population": format(row.population_share.normalize(), "f"),
                "variables": {
                    name: {
                        "value": format(variables[name].value.normalize(), "f")
                        if name in variables
                        else "",
                        "source": variables[name].source if name in variables else "",
                        "assumption": variables[name].assumption if name in variables else "",
                        "derived": name in variables and variables[name].is_derived,
                    }
                    for name in sfd_variables()
                },
            }
        )
    return rows


def sfd_variables() -> tuple[str, ...]:
    from edile.sanitation import sfd

    return sfd.VARIABLES


def _matrix_posted(data: Any) -> list[dict[str, Any]]:
    """The editor's rows as posted; rows with neither code nor share are left out."""
    try:
        count = min(int(data.get("rows", 0)), 200)
    except ValueError:
        count = 0

    def number(value: str) -> str:
        return (value or "").strip().replace(",", ".").replace("\u00a0", "").replace(" ", "")

    rows = []
    for i in range(count):
        code = (data.get(f"rows-{i}-code") or "").strip().upper()
        population = number(data.get(f"rows-{i}-population", ""))
        if not code and not population:
            continue
        rows.append(
            {
                "code": code,
                "description": data.get(f"rows-{i}-description", ""),
                "population": population,
                "variables": {
                    name: {
                        "value": number(data.get(f"rows-{i}-{name}-value", "")),
                        "source": data.get(f"rows-{i}-{name}-source", ""),
                        "assumption": data.get(f"rows-{i}-{name}-assumption", ""),
                    }
                    for name in sfd_variables()
                },
            }
        )
    return rows


@login_required
def study_matrix(request: HttpRequest, pk: int) -> HttpResponse:
    """The officer edits a study's matrix: systems, shares, variables with their source and
    assumption. Saved only when the whole matrix computes; versioned against two editors."""
    from edile.sanitation.models import SfdGridCell, VariableSource

    study = _study(request, pk)
    _check(request, "sanitation.change_study", study)
    errors: list[str] = []
    status = 200
    rows = _matrix_rows(study)
    version = study.version
    if request.method == "POST":
        rows = _matrix_posted(request.POST)
        try:
            version = int(request.POST.get("version", ""))
        except ValueError:
            return HttpResponseBadRequest(_("The form is incomplete: reload the page."))
        try:
            services.sfd_matrix_save(
                actor=request.user, study=study, rows=rows, expected_version=version
            )
        except ServiceError as exc:
            errors = exc.errors
            status = exc.status_code
        else:
            messages.success(request, _("The matrix is saved; the diagram is computed again."))
            return redirect("sanitation:study_detail", pk=study.pk)
    blank = {
        "code": "",
        "description": "",
        "population": "",
        "variables": {
            name: {"value": "", "source": "", "assumption": ""} for name in sfd_variables()
        },
    }
    rows = rows + [blank] * MATRIX_BLANK_ROWS
    return render(
        request,
        "sanitation/study_matrix.html",
        {
            "study": study,
            "rows": rows,
            "row_count": len(rows),
            "version": version,
            "errors": errors,
            "codes": SfdGridCell.objects.filter(is_valid=True).order_by("code"),
            "sources": VariableSource.choices,
            "variables": sfd_variables(),
        },
        status=status,
    )


@login_required
def schedule_export(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    """The containments due for emptying, as listed (no owner's name or phone)."""
    city = _city(slug)
    _check(request, "sanitation.manage_registry", city)
    if fmt not in EXPORT_FORMATS:
        return HttpResponseBadRequest(_("Unknown format: use csv or xlsx."))
    cfg = services.city_settings_get(city)
    names = {
        1: _("Overdue by more than a year"),
        2: _("Overdue"),
        3: _("Due within %(days)s days") % {"days": cfg.schedule_horizon_days},
    }
    headers = [_("Reference"), _("Local type"), _("Next emptying due"), _("Priority")]
    rows = [
        [c.reference, c.local_type, c.next_emptying_due, str(names[c.band])]
        for c in selectors.containments_due(city, band=request.GET.get("band") or "")
    ]
    return tabular_response(fmt, headers, rows, f"sanitation-schedule-{city.slug}")

"""Pages of the grants programme. Thin: validate with a form, call a selector or a service,
render. Every page checks the permission on its object."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from edile.accounts.models import RoleCode
from edile.accounts.selectors import scoped_local_government_ids
from edile.core import formatting
from edile.core.errors import ServiceError
from edile.core.exports import EXPORT_FORMATS
from edile.governance.models import Meeting
from edile.grants import exports, forms, imports, selectors, services
from edile.grants.models import (
    Application,
    Call,
    DecisionOutcome,
    Document,
    ExchangeRate,
    Grant,
    Partner,
    PaymentRequest,
    ProgressReport,
    Review,
    Tranche,
)
from edile.grants.tables import table_response
from edile.members.models import LocalGovernment

PAGE_SIZE = 50


def _lang() -> str:
    return "en" if (get_language() or "fr").startswith("en") else "fr"


def _service_errors(request: HttpRequest, exc: ServiceError) -> None:
    for error in exc.errors:
        messages.error(request, error)


def _project_filters(
    request: HttpRequest,
) -> tuple[forms.ProjectFilterForm, selectors.ProjectFilters]:
    form = forms.ProjectFilterForm(request.GET or None, years=selectors.dashboard()[0]["years"])
    if form.is_bound and form.is_valid():
        return form, selectors.ProjectFilters(
            year=form.cleaned_data["year"],
            sector=form.cleaned_data["sector"],
            country=form.cleaned_data["country"],
        )
    return form, selectors.ProjectFilters()


# --- public pages ---------------------------------------------------------------------------


def index(request: HttpRequest) -> HttpResponse:
    """The programme dashboard: figures by year, sector and country, computed from records."""
    form, filters = _project_filters(request)
    figures, computed_at = selectors.dashboard(filters)
    by_sector, by_country = figures["by_sector"], figures["by_country"]
    context = {
        "form": form,
        "summary": figures["summary"],
        "by_year": figures["by_year"],
        "by_sector": by_sector,
        "by_country": by_country,
        "sector_chart": [(row["label"], row["granted_eur"]) for row in by_sector],
        "country_chart": [(row["label"], row["projects"]) for row in by_country],
        "points": figures["points"],
        "computed_at": computed_at,
        "calls": selectors.call_list()[:10],
        "query": request.GET.urlencode(),
    }
    return render(request, "grants/index.html", context)


def call_detail(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        call = selectors.call_by_slug(slug)
    except Call.DoesNotExist:
        raise Http404(_("No call for projects at this address.")) from None
    cities = LocalGovernment.objects.filter(
        pk__in=scoped_local_government_ids(request.user, RoleCode.FOCAL_POINT)
    )
    rules = call.rules or {}
    context = {
        "call": call,
        "envelope_left": services.envelope_left(call),
        "sectors": [
            (code, services.codelists.label("Sector", code, _lang())) for code in call.sectors
        ],
        "criteria": [
            (c.get(f"label_{_lang()}") or c["code"], c["weight"], c["max"]) for c in call.criteria
        ],
        "max_grant": formatting.format_money(Decimal(str(rules["max_grant"])), call.currency)
        if rules.get("max_grant")
        else "",
        "min_share": formatting.format_percent(Decimal(str(rules["min_cofinancing_share"])))
        if rules.get("min_cofinancing_share")
        else "",
        "can_apply": call.is_open() and cities.exists(),
        "can_rank": request.user.has_perm("grants.view_ranking", call),
    }
    return render(request, "grants/call_detail.html", context)


def project_list(request: HttpRequest) -> HttpResponse:
    form, filters = _project_filters(request)
    page = Paginator(selectors.projects(filters), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "grants/project_list.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


def project_export(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in EXPORT_FORMATS:
        return HttpResponseBadRequest(_("Unknown format: use csv or xlsx."))
    _form, filters = _project_filters(request)
    headers = [
        _("Reference"),
        _("Title (French)"),
        _("Title (English)"),
        _("City"),
        _("Country"),
        _("Year"),
        _("Sector"),
        _("DAC purpose code"),
        _("Start"),
        _("End"),
        _("Amount granted"),
        _("Currency"),
        _("Disbursed"),
        _("Partnerships (EUR)"),
        _("Beneficiaries"),
        _("Fictional"),
    ]

    def rows() -> Any:
        for a in selectors.projects(filters).iterator(chunk_size=2000):
            grant = a.grant
            yield [
                a.reference,
                a.title_fr,
                a.title_en,
                a.local_government.name,
                a.local_government.country.code,
                a.call.year,
                a.get_sector_display(),
                a.dac_code,
                a.start,
                a.end,
                grant.amount,
                grant.currency,
                grant.disbursed,
                a.partnerships_eur,
                a.beneficiaries,
                # A boolean: the exporter writes "oui"/"non" (pgettext "boolean value"), not the
                # voting words "pour"/"contre" of the governance catalogue.
                a.is_fictional,
            ]

    return table_response(fmt, headers, rows(), "grants-projects", sheet=_("Projects"))


def call_export(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in EXPORT_FORMATS:
        return HttpResponseBadRequest(_("Unknown format: use csv or xlsx."))
    headers = [
        _("Address"),
        _("Title (French)"),
        _("Title (English)"),
        _("Year"),
        _("Envelope"),
        _("Currency"),
        _("Opens on"),
        _("Closes on"),
        _("Applications submitted"),
    ]
    rows = (
        [
            c.slug,
            c.title_fr,
            c.title_en,
            c.year,
            c.envelope,
            c.currency,
            c.opens_on,
            c.closes_on,
            c.submitted,
        ]
        for c in selectors.call_list()
    )
    return table_response(fmt, headers, rows, "grants-calls", sheet=_("Calls for projects"))


def partner_export(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in EXPORT_FORMATS:
        return HttpResponseBadRequest(_("Unknown format: use csv or xlsx."))
    headers = [
        _("Name (French)"),
        _("Name (English)"),
        _("IATI organisation identifier"),
        _("IATI organisation type"),
    ]
    rows = (
        [p.name_fr, p.name_en, p.iati_ref, p.org_type] for p in Partner.objects.order_by("name")
    )
    return table_response(fmt, headers, rows, "grants-partners", sheet=_("Partners"))


def project_detail(request: HttpRequest, reference: str) -> HttpResponse:
    try:
        project = selectors.project_public(reference)
    except Application.DoesNotExist:
        raise Http404(_("No funded project at this address.")) from None
    grant = project.grant
    context = {
        "project": project,
        "grant": grant,
        "leverage": (project.partnerships_eur / grant.amount_eur).quantize(Decimal("0.01"))
        if grant.amount_eur
        else None,
        "partnerships": [c for c in project.cofinancing.all() if c.status != "sought"],
        # The public page never shows risk flags or internal notes (staff see them on the
        # grant's own page).
        "timeline": selectors.timeline(grant, public=True),
        "results": selectors.results(project),
        "photos": [v for v in grant.visits.all() if v.photo],
        "points": [
            {
                "lat": float(project.latitude),
                "lon": float(project.longitude),
                "label": project.title,
                "url": "",
            }
        ]
        if project.latitude is not None
        else [],
        "can_manage": request.user.has_perm("grants.view_grant", grant),
        "dac_label": services.codelists.label("Sector", project.dac_code, _lang()),
    }
    return render(request, "grants/project_detail.html", context)


def iati_problems(request: HttpRequest) -> HttpResponse:
    return render(request, "grants/iati_problems.html", {"problems": exports.iati_problems()})


# --- workspace ------------------------------------------------------------------------------


@login_required
def workspace(request: HttpRequest) -> HttpResponse:
    """What the signed-in person has to do: applications, reviews, grants, rankings."""
    user = request.user
    applications = selectors.applications_visible_to(user)[:100]
    context = {
        "applications": applications,
        "reviews": Review.objects.filter(reviewer=user).select_related(
            "application__local_government", "application__call"
        ),
        "open_calls": [c for c in selectors.call_list() if c.is_open()],
        "calls": selectors.call_list() if user.has_perm("grants.view_ranking") else [],
        "is_staff": user.has_perm("grants.manage_call"),
        "late_reports": selectors.late_reports() if user.has_perm("grants.manage_call") else [],
    }
    return render(request, "grants/workspace.html", context)


def document_download(request: HttpRequest, pk: int) -> HttpResponse:
    """A document, served only to those who may see its application (or to all once the
    project is funded and the document marked public): never by a guessable media URL."""
    document = Document.objects.select_related("application").filter(pk=pk).first()
    if document is None:
        raise Http404(_("No document at this address."))
    application = document.application
    public = document.is_public and application.status == "approved"
    if not (public or request.user.has_perm("grants.view_application", application)):
        raise PermissionDenied(_("You may not see this document."))
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("No document at this address.")) from None
    return FileResponse(handle, as_attachment=True, filename=document.file.name.rsplit("/", 1)[-1])


@login_required
def application_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The applications the person may see, as CSV or XLSX."""
    if fmt not in EXPORT_FORMATS:
        return HttpResponseBadRequest(_("Unknown format: use csv or xlsx."))
    headers = [
        _("Reference"),
        _("Title (French)"),
        _("Title (English)"),
        _("City"),
        _("Country"),
        _("Call"),
        _("Sector"),
        _("Grant requested"),
        _("Currency"),
        _("Total budget"),
        _("Co-financing in euros"),
        _("Expected beneficiaries"),
        _("Status"),
    ]
    rows = (
        [
            a.reference,
            a.title_fr,
            a.title_en,
            a.local_government.name,
            a.local_government.country.code,
            a.call.slug,
            a.get_sector_display(),
            a.grant_requested,
            a.currency,
            a.total_budget,
            a.cofinancing_eur,
            a.beneficiaries,
            a.get_status_display(),
        ]
        for a in selectors.applications_visible_to(request.user).iterator(chunk_size=2000)
    )
    return table_response(fmt, headers, rows, "grants-applications", sheet=_("Applications"))


def _application_for(
    request: HttpRequest, reference: str, perm: str = "grants.view_application"
) -> Application:
    try:
        application = selectors.application_detail(reference)
    except Application.DoesNotExist:
        raise Http404(_("No application at this address.")) from None
    if not request.user.has_perm(perm, application):
        raise PermissionDenied(_("You may not see this application."))
    return application


@login_required
def application_new(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        call = selectors.call_by_slug(slug)
    except Call.DoesNotExist:
        raise Http404(_("No call for projects at this address.")) from None
    cities = LocalGovernment.objects.filter(
        pk__in=scoped_local_government_ids(request.user, RoleCode.FOCAL_POINT)
    )
    if not cities.exists():
        raise PermissionDenied(_("Only a city's focal point may apply."))
    form = forms.ApplicationForm(request.POST or None, language=_lang(), local_governments=cities)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        lg = data.pop("local_government")
        try:
            application = services.application_create(
                actor=request.user, call=call, local_government=lg, data=data
            )
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _(
                    "Your draft is saved. Add the budget, partners, beneficiaries and results, then submit."
                ),
            )
            return redirect(application.get_absolute_url())
    return render(
        request,
        "grants/application_form.html",
        {"form": form, "call": call},
        status=400 if form.errors else 200,
    )


@login_required
def application_detail(request: HttpRequest, reference: str) -> HttpResponse:
    return _application_page(request, _application_for(request, reference))


def _application_page(
    request: HttpRequest, application: Application, status: int = 200
) -> HttpResponse:
    can_edit = request.user.has_perm("grants.change_application", application)
    can_assign = request.user.has_perm("grants.assign_reviewer", application)
    context = {
        "application": application,
        "can_edit": can_edit,
        "can_assign": can_assign,
        "can_decide": request.user.has_perm("grants.decide", application)
        and application.status in ("submitted", "deferred"),
        "reviews": selectors.reviews_visible_to(request.user, application),
        "failures": services.eligibility_failures(application) if can_edit else [],
        # One prefix per form: the page holds several forms with fields of the same name.
        "forms": {kind: form_class(prefix=kind) for kind, (form_class, _run) in LINE_FORMS.items()}
        if can_edit
        else {},
        "assign_form": forms.AssignReviewerForm() if can_assign else None,
        "grant": getattr(application, "grant", None) if application.status == "approved" else None,
        "can_withdraw": request.user.has_perm("grants.withdraw_application", application),
    }
    return render(request, "grants/application_detail.html", context, status=status)


@login_required
def application_edit(request: HttpRequest, reference: str) -> HttpResponse:
    application = _application_for(request, reference, "grants.change_application")
    initial = {
        f: getattr(application, f) for f in services.APPLICATION_FIELDS if hasattr(application, f)
    }
    initial["version"] = application.version
    form = forms.ApplicationForm(request.POST or None, initial=initial, language=_lang())
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.application_update(
                actor=request.user,
                application=application,
                data=form.cleaned_data,
                expected_version=form.cleaned_data["version"] or 0,
            )
        except ServiceError as exc:
            form.add_error(None, exc.message)
            status = exc.status_code
        else:
            messages.success(request, _("The application has been saved."))
            return redirect(application.get_absolute_url())
    if form.errors and status == 200:
        status = 400
    return render(
        request,
        "grants/application_form.html",
        {"form": form, "call": application.call, "application": application},
        status=status,
    )


LINE_FORMS: dict[str, tuple[type, Callable[..., Any]]] = {
    "budget": (
        forms.BudgetLineForm,
        lambda a, u, d, f: services.budget_line_add(actor=u, application=a, **d),
    ),
    "cofinancing": (
        forms.CoFinancingForm,
        lambda a, u, d, f: services.cofinancing_add(actor=u, application=a, **d),
    ),
    "beneficiaries": (
        forms.BeneficiaryForm,
        lambda a, u, d, f: services.beneficiary_group_set(actor=u, application=a, **d),
    ),
    "indicator": (
        forms.IndicatorForm,
        lambda a, u, d, f: services.indicator_add(actor=u, application=a, **d),
    ),
    "document": (
        forms.DocumentForm,
        lambda a, u, d, f: services.document_add(actor=u, application=a, **d),
    ),
}


@login_required
@require_POST
def application_line_add(request: HttpRequest, reference: str, kind: str) -> HttpResponse:
    application = _application_for(request, reference, "grants.change_application")
    if kind not in LINE_FORMS:
        raise Http404(_("Unknown kind of line."))
    form_class, action = LINE_FORMS[kind]
    form = form_class(request.POST, request.FILES, prefix=kind)
    if form.is_valid():
        try:
            action(application, request.user, form.cleaned_data, request.FILES)
        except ServiceError as exc:
            _service_errors(request, exc)
        else:
            messages.success(request, _("Added."))
    else:
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for error in errors:
                messages.error(request, f"{label}: {error}" if label else error)
    return redirect(application.get_absolute_url() + f"#{kind}")


@login_required
@require_POST
def application_line_remove(
    request: HttpRequest, reference: str, kind: str, pk: int
) -> HttpResponse:
    application = _application_for(request, reference, "grants.change_application")
    try:
        services.application_line_remove(
            actor=request.user, application=application, kind=kind, pk=pk
        )
    except ServiceError as exc:
        _service_errors(request, exc)
    return redirect(application.get_absolute_url() + f"#{kind}")


@login_required
@require_POST
def application_submit(request: HttpRequest, reference: str) -> HttpResponse:
    application = _application_for(request, reference, "grants.change_application")
    try:
        services.application_submit(
            actor=request.user,
            application=application,
            expected_version=int(request.POST.get("version") or 0),
        )
    except ServiceError as exc:
        messages.error(request, exc.message)
        for error in exc.errors:
            if error != exc.message:
                messages.error(request, error)
    else:
        messages.success(request, _("Your application has been submitted."))
    return redirect(application.get_absolute_url())


@login_required
@require_POST
def application_withdraw(request: HttpRequest, reference: str) -> HttpResponse:
    """The city's focal point withdraws its application before the Bureau decides."""
    application = _application_for(request, reference)
    try:
        services.application_withdraw(
            actor=request.user,
            application=application,
            reason=request.POST.get("reason", ""),
            expected_version=int(version)
            if (version := request.POST.get("version", "")).isdigit()
            else 0,
        )
    except ServiceError as exc:
        messages.error(request, exc.message)
        return _application_page(request, application, status=exc.status_code)
    messages.success(request, _("Your application has been withdrawn."))
    return redirect(application.get_absolute_url())


@login_required
@require_POST
def review_assign(request: HttpRequest, reference: str) -> HttpResponse:
    application = _application_for(request, reference, "grants.assign_reviewer")
    form = forms.AssignReviewerForm(request.POST)
    reviewer = None
    if form.is_valid():
        reviewer = (
            get_user_model().objects.filter(email__iexact=form.cleaned_data["reviewer"]).first()
        )
    if reviewer is None:
        messages.error(request, _("No user with this e-mail address."))
    else:
        try:
            services.review_assign(actor=request.user, application=application, reviewer=reviewer)
        except ServiceError as exc:
            messages.error(request, exc.message)
            for error in exc.errors:
                if error != exc.message:
                    messages.error(request, error)
        else:
            messages.success(request, _("The reviewer has been assigned."))
    return redirect(application.get_absolute_url() + "#reviews")


@login_required
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    review = (
        Review.objects.select_related("application__call", "application__local_government")
        .filter(pk=pk)
        .first()
    )
    if review is None:
        raise Http404(_("No review at this address."))
    if not request.user.has_perm("grants.review", review):
        raise PermissionDenied(_("This review is assigned to someone else."))
    criteria = review.application.call.criteria
    declaration = forms.DeclarationForm(request.POST if "declare" in request.POST else None)
    score_form = forms.ScoreForm(
        request.POST if "score" in request.POST else None,
        criteria=criteria,
        language=_lang(),
        initial={"version": review.version},
    )
    status = 200
    try:
        if "declare" in request.POST and declaration.is_valid():
            services.review_declare(actor=request.user, review=review, **declaration.cleaned_data)
            return redirect("grants:review_detail", pk=review.pk)
        if "score" in request.POST and score_form.is_valid():
            services.review_submit(
                actor=request.user,
                review=review,
                scores=score_form.scores(),
                comment=score_form.cleaned_data["comment"],
                expected_version=score_form.cleaned_data["version"],
            )
            messages.success(request, _("Your review has been submitted."))
            return redirect("grants:review_detail", pk=review.pk)
    except ServiceError as exc:
        _service_errors(request, exc)
        status = exc.status_code
    if request.method == "POST" and status == 200:
        status = 400
    context = {
        "review": review,
        "application": review.application if review.status != "assigned" else None,
        "declaration_form": declaration,
        "score_form": score_form,
        "others": selectors.reviews_visible_to(request.user, review.application),
    }
    return render(request, "grants/review_detail.html", context, status=status)


@login_required
def call_ranking(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        call = selectors.call_by_slug(slug)
    except Call.DoesNotExist:
        raise Http404(_("No call for projects at this address.")) from None
    if not request.user.has_perm("grants.view_ranking", call):
        raise PermissionDenied(_("The ranked list is for the Bureau and the secretariat."))
    rows = selectors.ranking(call)
    fmt = request.GET.get("format")
    if fmt:
        if fmt not in EXPORT_FORMATS:
            return HttpResponseBadRequest(_("Unknown format: use csv or xlsx."))
        headers = [
            _("Rank"),
            _("Reference"),
            _("Title"),
            _("City"),
            _("Grant requested"),
            _("Average score"),
            _("Spread"),
            _("Reviews"),
            _("Status"),
        ]
        data = (
            [
                i,
                r.application.reference,
                r.application.title,
                r.application.local_government.name,
                r.application.grant_requested,
                r.average,
                r.spread,
                r.reviews,
                r.application.get_status_display(),
            ]
            for i, r in enumerate(rows, 1)
        )
        return table_response(fmt, headers, data, f"ranking-{call.slug}", sheet=_("Ranked list"))
    can_decide = request.user.has_perm("grants.decide", call)
    own_cities = {
        lg for code in RoleCode.values for lg in scoped_local_government_ids(request.user, code)
    }
    needed = services.min_reviews(call)
    context = {
        "call": call,
        "rows": [
            {
                "r": r,
                "recused": r.application.local_government_id in own_cities,
                "short": r.reviews < needed,
            }
            for r in rows
        ],
        "envelope_left": services.envelope_left(call),
        "meetings": list(_decision_meetings(call)[:20]) if can_decide else [],
        "min_reviews": services.min_reviews(call),
        "outcomes": DecisionOutcome.choices,
        "can_decide": can_decide,
        "can_assign": request.user.has_perm("grants.assign_reviewer"),
    }
    return render(request, "grants/ranking.html", context)


def _decision_meetings(call: Call) -> Any:
    """Meetings of the bodies allowed to decide the call's grants, most recent first."""
    return (
        Meeting.objects.filter(body__slug__in=services.deciding_bodies(call))
        .select_related("body")
        .order_by("-start")
    )


@login_required
@require_POST
def call_decide(request: HttpRequest, slug: str) -> HttpResponse:
    """The Bureau decides the ranking in one batch, at one of its meetings: each row left
    without an outcome is not decided now; every decided row is recorded, or none."""
    try:
        call = selectors.call_by_slug(slug)
    except Call.DoesNotExist:
        raise Http404(_("No call for projects at this address.")) from None
    if not request.user.has_perm("grants.decide", call):
        raise PermissionDenied(_("Only the Bureau or the secretariat records decisions."))
    back = reverse("grants:call_ranking", kwargs={"slug": call.slug})
    meeting = _decision_meetings(call).filter(slug=request.POST.get("meeting") or "").first()
    if meeting is None:
        messages.error(request, _("Choose the Bureau meeting that takes these decisions."))
        return redirect(back)
    decided_on = None
    if request.POST.get("decided_on"):
        form = forms.DecidedOnForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Give the date of the decisions as a date."))
            return redirect(back)
        decided_on = form.cleaned_data["decided_on"]
    rows = []
    for application in call.applications.filter(status__in=("submitted", "deferred")):
        outcome = request.POST.get(f"outcome-{application.pk}") or ""
        if not outcome:
            continue
        rows.append(
            {
                "application": application,
                "outcome": outcome,
                "amount": request.POST.get(f"amount-{application.pk}") or None,
                "reasons": request.POST.get(f"reasons-{application.pk}") or "",
                "review_override": request.POST.get(f"override-{application.pk}") or "",
            }
        )
    if not rows:
        messages.error(request, _("Choose a decision for at least one application."))
        return redirect(back)
    try:
        decisions = services.decisions_record_batch(
            actor=request.user, meeting=meeting, rows=rows, decided_on=decided_on
        )
    except ServiceError as exc:
        messages.error(request, exc.message)
        for error in exc.errors:
            if error != exc.message:
                messages.error(request, error)
    else:
        messages.success(
            request,
            ngettext(
                "%(count)s decision recorded at “%(meeting)s”; the city is notified.",
                "%(count)s decisions recorded at “%(meeting)s”; the cities are notified.",
                len(decisions),
            )
            % {"count": len(decisions), "meeting": meeting.title},
        )
    return redirect(back)


# --- grants ---------------------------------------------------------------------------------


def _grant_for(request: HttpRequest, pk: int, perm: str = "grants.view_grant") -> Grant:
    try:
        grant = selectors.grant_detail(pk)
    except Grant.DoesNotExist:
        raise Http404(_("No grant at this address.")) from None
    if not request.user.has_perm(perm, grant):
        raise PermissionDenied(_("You may not see this grant."))
    return grant


@login_required
def grant_detail(request: HttpRequest, pk: int) -> HttpResponse:
    grant = _grant_for(request, pk)
    can_manage = request.user.has_perm("grants.manage_grant", grant)
    context = {
        "grant": grant,
        "application": grant.application,
        "timeline": selectors.timeline(grant),
        "can_manage": can_manage,
        "can_report": request.user.has_perm("grants.submit_report", grant),
        "agreement_form": forms.AgreementForm(
            initial={
                "agreement_signed_on": grant.agreement_signed_on,
                "agreement_reference": grant.agreement_reference,
                "status": grant.status,
                "version": grant.version,
            },
            prefix="agreement",
        ),
        "tranche_form": forms.TrancheForm(prefix="tranche", grant=grant),
        "tranches": selectors.tranche_rows(grant),
        "payment_requests": grant.payment_requests.select_related(
            "tranche", "requested_by", "decided_by"
        ),
        "overdue": services.overdue_reports(grant),
        "return_form": forms.ReportReturnForm(),
        "schedule_form": forms.ReportScheduleForm(prefix="report"),
        "visit_form": forms.VisitForm(prefix="visit"),
        "risk_form": forms.RiskForm(prefix="risk"),
        "left_to_pay": grant.amount - grant.disbursed,
    }
    return render(request, "grants/grant_detail.html", context)


@login_required
def grant_agreement(request: HttpRequest, pk: int) -> HttpResponse:
    """The grant agreement to sign, generated from the decision in the city's language."""
    from django.utils import translation

    from edile.core import formatting, pdf

    grant = _grant_for(request, pk, "grants.manage_grant")
    application = grant.application
    language = application.language or "fr"
    decision = grant.decision
    with translation.override(language):
        title = _("Grant agreement %(reference)s") % {
            "reference": grant.agreement_reference or application.reference
        }
        rows = [
            [_("Beneficiary"), application.local_government.name],
            [_("Project"), application.title],
            [_("Call for projects"), application.call.title],
            [
                _("Decision"),
                _("%(body)s, meeting of %(date)s")
                % {
                    "body": decision.body.name,
                    "date": formatting.format_date(decision.meeting_date, language),
                },
            ],
            [_("Amount granted"), formatting.format_money(grant.amount, grant.currency, language)],
            [
                _("Project period"),
                f"{formatting.format_date(application.start, language)} – "
                f"{formatting.format_date(application.end, language)}",
            ],
        ]
        tranches = [[_("Tranche"), _("Amount"), _("Due on"), _("Condition")]] + [
            [
                str(t.number),
                formatting.format_money(t.amount, grant.currency, language),
                formatting.format_date(t.due_on, language),
                t.condition,
            ]
            for t in grant.tranches.all()
        ]
        flowables = [
            pdf.table(rows),
            pdf.paragraph(_("Payment plan"), "Heading2"),
            pdf.table(tranches),
            pdf.paragraph(
                _(
                    "The beneficiary reports on the use of the grant at the dates set by the "
                    "secretariat; each tranche is paid once its conditions are met."
                )
            ),
            pdf.paragraph(_("Signed for the association:") + " ____________________"),
            pdf.paragraph(_("Signed for the beneficiary:") + " ____________________"),
        ]
        content = pdf.build_pdf(title, flowables, language=language)
    return pdf.pdf_response(content, f"agreement-{application.reference}")


@login_required
def grant_agreement_signed(request: HttpRequest, pk: int) -> HttpResponse:
    """The signed copy, to those who may see the grant: never by a public media URL."""
    grant = _grant_for(request, pk)
    if not grant.agreement_file:
        raise Http404(_("No signed agreement has been uploaded."))
    try:
        handle = grant.agreement_file.open("rb")
    except FileNotFoundError:
        raise Http404(_("No signed agreement has been uploaded.")) from None
    return FileResponse(handle, as_attachment=True, filename=f"agreement-{grant.pk}.pdf")


def _payment_request_of(grant: Grant, pk: int) -> PaymentRequest:
    request = PaymentRequest.objects.filter(grant=grant, pk=pk).first()
    if request is None:
        raise Http404(_("No payment request at this address."))
    return request


def _tranche_of(grant: Grant, pk: int) -> Tranche:
    tranche = Tranche.objects.filter(grant=grant, pk=pk).first()
    if tranche is None:
        raise Http404(_("No tranche at this address."))
    return tranche


def _decide_payment(g: Grant, u: Any, d: dict[str, Any]) -> Any:
    request = _payment_request_of(g, d["payment_request"])
    if d["approve"]:
        return services.payment_request_approve(actor=u, payment_request=request)
    return services.payment_request_refuse(actor=u, payment_request=request, comment=d["comment"])


GRANT_ACTIONS: dict[str, tuple[type, Callable[..., Any]]] = {
    "agreement": (
        forms.AgreementForm,
        lambda g, u, d: services.grant_update(
            actor=u,
            grant=g,
            expected_version=d["version"],
            status=d["status"],
            agreement_signed_on=d["agreement_signed_on"],
            agreement_reference=d["agreement_reference"],
            agreement_file=d.get("agreement_file"),
        ),
    ),
    "tranche": (
        forms.TrancheForm,
        lambda g, u, d, form: services.tranche_add(actor=u, grant=g, **form.service_data()),
    ),
    "request": (
        forms.PaymentRequestForm,
        lambda g, u, d: services.payment_request_create(
            actor=u,
            grant=g,
            tranche=_tranche_of(g, d["tranche"]),
            overdue_override=d["overdue_override"],
        ),
    ),
    "approve": (forms.PaymentDecisionForm, _decide_payment),
    "disburse": (
        forms.DisbursementForm,
        lambda g, u, d: services.disbursement_record(
            actor=u,
            grant=g,
            paid_on=d["paid_on"],
            payment_request=_payment_request_of(g, d["payment_request"]),
        ),
    ),
    "report": (
        forms.ReportScheduleForm,
        lambda g, u, d: services.report_schedule(actor=u, grant=g, **d),
    ),
    "visit": (forms.VisitForm, lambda g, u, d: services.visit_record(actor=u, grant=g, **d)),
    "risk": (forms.RiskForm, lambda g, u, d: services.risk_flag_raise(actor=u, grant=g, **d)),
}


@login_required
@require_POST
def grant_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    grant = _grant_for(request, pk, "grants.manage_grant")
    if action not in GRANT_ACTIONS:
        raise Http404(_("Unknown action."))
    form_class, run = GRANT_ACTIONS[action]
    extra = {"grant": grant} if form_class is forms.TrancheForm else {}
    form = form_class(request.POST, request.FILES, prefix=action, **extra)
    if form.is_valid():
        try:
            if form_class is forms.TrancheForm:
                run(grant, request.user, form.cleaned_data, form)
            else:
                run(grant, request.user, form.cleaned_data)
        except ServiceError as exc:
            messages.error(request, exc.message)
            for error in exc.errors:
                if error != exc.message:
                    messages.error(request, error)
        except PermissionDenied as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Saved."))
    else:
        for field, errors in form.errors.items():
            for error in errors:
                messages.error(
                    request,
                    f"{form.fields[field].label}: {error}" if field in form.fields else error,
                )
    return redirect("grants:grant_detail", pk=grant.pk)


@login_required
def report_submit(request: HttpRequest, pk: int) -> HttpResponse:
    report = ProgressReport.objects.select_related("grant__application").filter(pk=pk).first()
    if report is None:
        raise Http404(_("No report at this address."))
    if not request.user.has_perm("grants.submit_report", report.grant):
        raise PermissionDenied(_("Only the city's focal points submit its reports."))
    indicators = list(report.grant.application.indicators.all())
    form = forms.ReportForm(
        request.POST or None, indicators=indicators, initial={"version": report.version}
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.report_submit(
                    actor=request.user,
                    report=report,
                    narrative=form.cleaned_data["narrative"],
                    spending=form.cleaned_data["spending"],
                    beneficiaries_reached=form.cleaned_data["beneficiaries_reached"],
                    values=form.values(),
                    expected_version=form.cleaned_data["version"],
                )
            except ServiceError as exc:
                form.add_error(None, exc.message)
                status = exc.status_code
            else:
                messages.success(request, _("Your report has been received."))
                report.refresh_from_db()
                for warning in report.warnings:
                    messages.warning(request, warning)
                return redirect("grants:grant_detail", pk=report.grant_id)
    return render(
        request, "grants/report_form.html", {"form": form, "report": report}, status=status
    )


@login_required
@require_POST
def report_return(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff send a submitted report back to the city with what to change."""
    report = ProgressReport.objects.select_related("grant").filter(pk=pk).first()
    if report is None:
        raise Http404(_("No report at this address."))
    form = forms.ReportReturnForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say what the city should change in its report."))
    else:
        try:
            services.report_return(
                actor=request.user, report=report, comment=form.cleaned_data["comment"]
            )
        except ServiceError as exc:
            _service_errors(request, exc)
        else:
            messages.success(request, _("The report has been returned to the city."))
    return redirect("grants:grant_detail", pk=report.grant_id)


@login_required
@require_POST
def report_accept(request: HttpRequest, pk: int) -> HttpResponse:
    report = ProgressReport.objects.select_related("grant").filter(pk=pk).first()
    if report is None:
        raise Http404(_("No report at this address."))
    try:
        services.report_accept(actor=request.user, report=report)
    except ServiceError as exc:
        _service_errors(request, exc)
    return redirect("grants:grant_detail", pk=report.grant_id)


@login_required
def project_import(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("grants.import_projects"):
        raise PermissionDenied(_("Only the secretariat imports past projects."))
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    report = None
    status = 200
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        report = imports.projects_import(
            actor=request.user, data=upload.read(), filename=upload.name
        )
        if report.ok:
            messages.success(
                request, _("%(count)s past projects imported.") % {"count": report.created}
            )
            return redirect("grants:project_list")
        status = 400
    return render(
        request,
        "grants/import.html",
        {"form": form, "report": report, "columns": imports.COLUMNS},
        status=status,
    )


# --- staff pages: calls -----------------------------------------------------------------------


def _require_staff(request: HttpRequest) -> None:
    if not request.user.has_perm("grants.manage_call"):
        raise PermissionDenied(_("These pages are for the secretariat."))


@login_required
def staff_calls(request: HttpRequest) -> HttpResponse:
    """The secretariat's list of calls, with links to open and edit them."""
    _require_staff(request)
    return render(request, "grants/staff_calls.html", {"calls": selectors.call_list()})


@login_required
def call_form(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    """Open or edit a call: envelope, currency, dates, sectors, rules and scoring grid."""
    _require_staff(request)
    call = None
    if slug is not None:
        try:
            call = selectors.call_by_slug(slug)
        except Call.DoesNotExist:
            raise Http404(_("No call for projects at this address.")) from None
    initial = forms.CallForm.initial_for(call) if call else None
    form = forms.CallForm(request.POST or None, initial=initial)
    criteria = forms.CriterionFormSet(
        request.POST or None,
        prefix="criteria",
        initial=[
            {k: c.get(k, "") for k in ("code", "label_fr", "label_en", "weight", "max")}
            for c in (call.criteria if call else [])
        ],
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid() and criteria.is_valid():
            data = {**form.service_data(), "criteria": forms.criteria_from(criteria)}
            try:
                if call is None:
                    call = services.call_create(actor=request.user, data=data)
                    messages.success(request, _("The call has been opened."))
                else:
                    data.pop("slug", None)
                    services.call_update(
                        actor=request.user,
                        call=call,
                        data=data,
                        expected_version=form.cleaned_data["version"] or 0,
                    )
                    messages.success(request, _("The call has been saved."))
            except ServiceError as exc:
                for error in exc.errors:
                    form.add_error(None, error)
                status = exc.status_code
            else:
                return redirect("grants:staff_calls")
    return render(
        request,
        "grants/call_form.html",
        {"form": form, "criteria": criteria, "call": call},
        status=status,
    )


# --- staff pages: partners and exchange rates -------------------------------------------------


@login_required
def staff_partners(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    """Partners: the list, and a form to add one or change the one at `slug`."""
    _require_staff(request)
    partner = None
    if slug is not None:
        partner = Partner.objects.filter(slug=slug).first()
        if partner is None:
            raise Http404(_("No partner at this address."))
    initial = (
        {
            "name_fr": partner.name_fr,
            "name_en": partner.name_en,
            "slug": partner.slug,
            "iati_ref": partner.iati_ref,
            "org_type": partner.org_type,
            "is_fictional": partner.is_fictional,
        }
        if partner
        else {"org_type": "40"}
    )
    form = forms.PartnerForm(request.POST or None, initial=initial, language=_lang())
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.partner_save(actor=request.user, data=form.cleaned_data, partner=partner)
            except ServiceError as exc:
                for error in exc.errors:
                    form.add_error(None, error)
            else:
                messages.success(request, _("The partner has been saved."))
                return redirect("grants:staff_partners")
    return render(
        request,
        "grants/staff_partners.html",
        {"form": form, "partner": partner, "partners": Partner.objects.order_by("name")},
        status=status,
    )


@login_required
def staff_rates(request: HttpRequest) -> HttpResponse:
    """Exchange rates by date: add one, or import the ECB's reference rates file."""
    _require_staff(request)
    form = forms.ExchangeRateForm(request.POST if "add" in request.POST else None)
    upload = forms.RatesImportForm(
        request.POST if "import" in request.POST else None,
        request.FILES if "import" in request.POST else None,
    )
    status = 200
    if request.method == "POST":
        status = 400
        try:
            if "add" in request.POST and form.is_valid():
                services.exchange_rate_set(actor=request.user, **form.cleaned_data)
                messages.success(request, _("The rate has been saved."))
                return redirect("grants:staff_rates")
            if "import" in request.POST and upload.is_valid():
                count = services.exchange_rates_import(
                    actor=request.user, data=upload.cleaned_data["file"].read()
                )
                messages.success(request, _("%(count)s rates imported.") % {"count": count})
                return redirect("grants:staff_rates")
        except ServiceError as exc:
            target = upload if "import" in request.POST else form
            for error in exc.errors:
                target.add_error(None, error)
    rates = ExchangeRate.objects.order_by("currency", "-date")
    page = Paginator(rates, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "grants/staff_rates.html",
        {"form": form, "upload": upload, "page": page},
        status=status,
    )


@login_required
@require_POST
def reviews_assign_bulk(request: HttpRequest, slug: str) -> HttpResponse:
    """Assign reviewers (their e-mail addresses) to every submitted application of the call."""
    try:
        call = selectors.call_by_slug(slug)
    except Call.DoesNotExist:
        raise Http404(_("No call for projects at this address.")) from None
    back = reverse("grants:call_ranking", kwargs={"slug": call.slug})
    form = forms.BulkReviewersForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back)
    emails = form.cleaned_data["reviewers"]
    users = list(get_user_model().objects.filter(email__in=emails, is_active=True))
    unknown = sorted(set(emails) - {u.email for u in users})
    for email in unknown:
        messages.error(request, _("No user with the e-mail address %(email)s.") % {"email": email})
    try:
        assigned, skipped = services.reviews_assign_bulk(
            actor=request.user, call=call, reviewers=users
        )
    except ServiceError as exc:
        _service_errors(request, exc)
    else:
        messages.success(
            request,
            ngettext(
                "%(count)s review assigned; each reviewer is notified by e-mail.",
                "%(count)s reviews assigned; each reviewer is notified by e-mail.",
                assigned,
            )
            % {"count": assigned},
        )
        for reason in skipped:
            messages.warning(request, reason)
    return redirect(back)

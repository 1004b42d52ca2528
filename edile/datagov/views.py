"""Pages of the data governance module: thin, they call selectors and services."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from edile.accounts.models import RoleCode
from edile.accounts.selectors import has_role, scoped_local_government_ids
from edile.core.errors import ServiceError
from edile.core.exports import EXPORT_FORMATS, export_response, tabular_response
from edile.core.htmx import render_page_or_fragment
from edile.core.pdf import build_pdf, paragraph, pdf_response
from edile.datagov import exports, harvest, selectors, services
from edile.datagov.filters import DownloadLogFilter
from edile.datagov.forms import (
    AccessRequestForm,
    DatasetForm,
    DecisionForm,
    DictionaryColumnFormSet,
    DictionaryVersionForm,
    DistributionEditForm,
    DistributionFileForm,
    DistributionLinkForm,
    HarvestForm,
    HarvestSourceForm,
    MaturityAssessmentForm,
    MaturityFrameworkForm,
    ProcessingRecordForm,
    RetentionPolicyForm,
    RoadmapActionForm,
    SearchForm,
)
from edile.datagov.models import (
    LICENCE_URIS,
    AccessRequest,
    Classification,
    DataDictionary,
    Dataset,
    Distribution,
    Licence,
    ProcessingRecord,
    RetentionPolicy,
    RoadmapAction,
)
from edile.datagov.services import SAFE_CONTENT_TYPES
from edile.members.models import LocalGovernment

PAGE_SIZE = 20


def _filters(form: SearchForm) -> selectors.DatasetFilters:
    data = form.cleaned_data if form.is_valid() else {}
    return selectors.DatasetFilters(
        **{k: (data.get(k) or "") for k in selectors.FACET_NAMES + ("q", "sort")}
    )


def index(request: HttpRequest) -> HttpResponse:
    """The catalogue: full-text search and facets over the datasets the viewer may see."""
    form = SearchForm(request.GET or None)
    filters = _filters(form)
    results = selectors.dataset_search(request.user, filters)
    page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
    facets = selectors.dataset_facets(request.user, filters)
    current = {k: v for k, v in filters.__dict__.items() if v}
    facet_links = {
        name: [
            {
                **option,
                "selected": current.get(name) == option["value"],
                "url": "?"
                + urlencode(
                    {
                        **{k: v for k, v in current.items() if k != name},
                        **({} if current.get(name) == option["value"] else {name: option["value"]}),
                    }
                ),
            }
            for option in options
        ]
        for name, options in facets.items()
    }
    facet_labels = {
        "publisher": _("Publisher"),
        "country": _("Country"),
        "theme": _("Theme"),
        "format": _("Format"),
        "licence": _("Licence"),
        "classification": _("Classification"),
        "year": _("Year of publication"),
        "keyword": _("Keyword"),
    }
    # Active filters as chips, each with the link that removes it (the others stay).
    chips = []
    for name, value in current.items():
        if name == "sort":
            continue
        if name == "q":
            label = _("Search: “%(q)s”") % {"q": value}
        else:
            shown = next((o["label"] for o in facets.get(name, []) if o["value"] == value), value)
            label = _("%(facet)s: %(value)s") % {"facet": facet_labels[name], "value": shown}
        rest = urlencode({k: v for k, v in current.items() if k != name})
        chips.append({"label": label, "url": f"?{rest}" if rest else "?"})
    context = {
        "form": form,
        "page": page,
        "chips": chips,
        "q": filters.q,
        "facets": [(name, facet_labels[name], facet_links[name]) for name in selectors.FACET_NAMES],
        "query_string": urlencode(current),
        "can_publish": request.user.has_perm("datagov.publish"),
    }
    return render_page_or_fragment(
        request, "datagov/index.html", "datagov/partials/results.html", context
    )


def _visible_dataset(request: HttpRequest, slug: str) -> Dataset:
    dataset = selectors.dataset_detail(request.user, slug)
    if dataset is None:
        raise Http404(_("No such dataset, or you may not see it."))
    return dataset


def dataset_detail(request: HttpRequest, slug: str) -> HttpResponse:
    dataset = _visible_dataset(request, slug)
    rdf = exports.dataset_rdf_response(request, dataset, "text/html")
    if rdf is not None:  # content negotiation: the same page answers DCAT-AP to harvesters
        return rdf
    user = request.user
    my_requests = []
    if user.is_authenticated:
        my_requests = list(
            AccessRequest.objects.filter(dataset=dataset, requester=user).order_by("-created_at")
        )
    context = {
        "dataset": dataset,
        "distributions": list(dataset.distributions.all()),
        "can_access": user.has_perm("datagov.access_data", dataset),
        "can_change": user.has_perm("datagov.change_dataset", dataset),
        "can_describe": user.has_perm("datagov.describe_data", dataset),
        "can_request": user.has_perm("datagov.request_access", dataset),
        "my_requests": my_requests,
        "can_decide": user.has_perm("datagov.decide_access", dataset),
        "current_accesses": list(selectors.current_accesses(dataset))
        if user.has_perm("datagov.decide_access", dataset)
        else [],
        "file_form": DistributionFileForm(),
        "link_form": DistributionLinkForm(),
        # The register is for members: the records concerning this dataset, on its page.
        "processing_records": list(dataset.processing_records.select_related("controller"))
        if user.has_perm("datagov.view_register")
        else [],
    }
    return render(request, "datagov/dataset_detail.html", context)


def _publishers_for(user: Any) -> Any:
    if has_role(user, RoleCode.SECRETARIAT, RoleCode.ADMINISTRATOR):
        return LocalGovernment.objects.order_by("name")
    return LocalGovernment.objects.filter(
        pk__in=scoped_local_government_ids(user, RoleCode.FOCAL_POINT)
    ).order_by("name")


def _dataset_data(form: DatasetForm) -> dict[str, Any]:
    skip = {"themes", "version", "publisher", "steward_email"}
    data = {k: v for k, v in form.cleaned_data.items() if k not in skip}
    data["steward"] = form.cleaned_data.get("steward_email")
    return data


@login_required
def dataset_create(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("datagov.publish"):
        raise PermissionDenied
    is_staff = has_role(request.user, RoleCode.SECRETARIAT, RoleCode.ADMINISTRATOR)
    publishers = _publishers_for(request.user)
    # A focal point of a single city publishes for it: preselect it.
    initial = {"publisher": publishers[0]} if len(publishers) == 1 and not is_staff else {}
    form = DatasetForm(
        request.POST or None, publishers=publishers, allow_association=is_staff, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            dataset = services.dataset_create(
                user=request.user,
                publisher=form.cleaned_data.get("publisher"),
                data=_dataset_data(form),
                themes=form.cleaned_data["themes"],
            )
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The dataset is published. Add its files or links below."))
            return redirect(dataset.get_absolute_url())
    return render(request, "datagov/dataset_form.html", {"form": form, "dataset": None})


@login_required
def dataset_edit(request: HttpRequest, slug: str) -> HttpResponse:
    dataset = _visible_dataset(request, slug)
    if not request.user.has_perm("datagov.change_dataset", dataset):
        raise PermissionDenied
    form = DatasetForm(request.POST or None, instance=dataset)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.dataset_update(
                user=request.user,
                dataset=dataset,
                data=_dataset_data(form),
                themes=form.cleaned_data["themes"],
                expected_version=form.cleaned_data.get("version") or dataset.version,
            )
        except ServiceError as exc:
            form.add_error(None, exc.message)
            status = exc.status_code
        else:
            messages.success(request, _("The dataset is saved."))
            return redirect(dataset.get_absolute_url())
    elif request.method == "POST":
        status = 400
    return render(
        request, "datagov/dataset_form.html", {"form": form, "dataset": dataset}, status=status
    )


@login_required
@require_POST
def distribution_add(request: HttpRequest, slug: str) -> HttpResponse:
    dataset = _visible_dataset(request, slug)
    if not request.user.has_perm("datagov.change_dataset", dataset):
        raise PermissionDenied
    try:
        if "file" in request.FILES:
            form = DistributionFileForm(request.POST, request.FILES)
            if not form.is_valid():
                raise ServiceError(_("Choose a file to upload."))
            services.distribution_add_file(
                user=request.user,
                dataset=dataset,
                upload=form.cleaned_data["file"],
                title=form.cleaned_data["title"],
            )
        else:
            form = DistributionLinkForm(request.POST)
            if not form.is_valid():
                raise ServiceError(_("Give a valid link and its format."))
            services.distribution_add_link(
                user=request.user,
                dataset=dataset,
                url=form.cleaned_data["url"],
                fmt=form.cleaned_data["format"],
                title=form.cleaned_data["title"],
            )
    except ServiceError as exc:
        messages.error(request, exc.message)
        return render(
            request,
            "datagov/dataset_detail.html",
            {
                "dataset": dataset,
                "distributions": list(dataset.distributions.all()),
                "can_access": True,
                "can_change": True,
                "file_form": DistributionFileForm(),
                "link_form": DistributionLinkForm(),
                "upload_error": exc.message,
            },
            status=400,
        )
    messages.success(request, _("The distribution is added."))
    return redirect(dataset.get_absolute_url())


def _distribution(request: HttpRequest, slug: str, pk: int) -> tuple[Dataset, Distribution]:
    dataset = _visible_dataset(request, slug)
    distribution = get_object_or_404(Distribution, pk=pk, dataset=dataset)
    return dataset, distribution


def download(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The data itself: checked against the classification, logged when not open."""
    dataset, distribution = _distribution(request, slug, pk)
    services.data_access_log(user=request.user, dataset=dataset, distribution=distribution)
    if not distribution.file:
        return HttpResponseRedirect(distribution.url)
    content_type = SAFE_CONTENT_TYPES.get(distribution.format, "application/octet-stream")
    filename = f"{dataset.slug}-{distribution.pk}{_suffix(distribution.file.name)}"
    response = FileResponse(
        distribution.file.open("rb"),
        as_attachment=True,
        filename=filename,
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    if dataset.classification != Classification.OPEN:
        response["Cache-Control"] = "private, no-store"
    return response


@login_required
def distribution_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """One file's page for the people who manage the dataset: title, description, a new
    version with its note, removal."""
    dataset, distribution = _distribution(request, slug, pk)
    if not request.user.has_perm("datagov.change_dataset", dataset):
        raise PermissionDenied(_("You may not change this dataset."))
    status = 200
    if request.method == "POST":
        form = DistributionEditForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.distribution_update(
                    user=request.user,
                    distribution=distribution,
                    title=form.cleaned_data["title"],
                    description=form.cleaned_data["description"],
                    upload=form.cleaned_data["file"],
                    version_note=form.cleaned_data["version_note"],
                )
            except ServiceError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("The distribution is saved."))
                return redirect(dataset.get_absolute_url())
        status = 400
    else:
        form = DistributionEditForm(
            initial={"title": distribution.title, "description": distribution.description}
        )
    return render(
        request,
        "datagov/distribution_form.html",
        {"dataset": dataset, "distribution": distribution, "form": form},
        status=status,
    )


@login_required
def distribution_dictionary(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The data dictionary of an uploaded CSV file: the columns read from its header, with a
    guessed type, for the steward (and the people who manage the dataset) to describe."""
    dataset, distribution = _distribution(request, slug, pk)
    if not request.user.has_perm("datagov.describe_data", dataset):
        raise PermissionDenied(_("You may not describe the data of this dataset."))
    dictionary = DataDictionary.objects.filter(distribution=distribution).first()
    status = 200
    errors: list[str] = []
    changes: dict[str, list[str]] = {}
    if request.method == "POST":
        formset = DictionaryColumnFormSet(request.POST, prefix="col")
        version_form = DictionaryVersionForm(request.POST)
        if formset.is_valid() and version_form.is_valid():
            try:
                services.data_dictionary_save(
                    user=request.user,
                    distribution=distribution,
                    columns=[
                        services.ColumnDescription(**f.cleaned_data)
                        for f in formset
                        if f.cleaned_data
                    ],
                    expected_version=version_form.cleaned_data["version"],
                )
            except ServiceError as exc:
                errors.append(exc.message)
                status = exc.status_code
            else:
                messages.success(request, _("The data dictionary is saved."))
                return redirect(dataset.get_absolute_url())
        else:
            status = 400
    else:
        draft = selectors.dictionary_draft(distribution, dictionary)
        if draft is None:
            raise Http404(_("Only uploaded CSV files have a data dictionary."))
        initial, changes = draft
        formset = DictionaryColumnFormSet(initial=initial, prefix="col")
        version_form = DictionaryVersionForm(
            initial={"version": dictionary.version if dictionary else 0}
        )
    return render(
        request,
        "datagov/distribution_dictionary.html",
        {
            "dataset": dataset,
            "distribution": distribution,
            "dictionary": dictionary,
            "formset": formset,
            "version_form": version_form,
            "errors": errors,
            "changes": changes,
        },
        status=status,
    )


@login_required
@require_POST
def distribution_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    dataset, distribution = _distribution(request, slug, pk)
    if not request.user.has_perm("datagov.change_dataset", dataset):
        raise PermissionDenied(_("You may not change this dataset."))
    if request.POST.get("confirm") != "yes":
        messages.error(request, _("Tick the box to confirm the removal."))
        return redirect("datagov:distribution_edit", dataset.slug, distribution.pk)
    services.distribution_remove(user=request.user, distribution=distribution)
    messages.success(request, _("The distribution is removed."))
    return redirect(dataset.get_absolute_url())


@login_required
def dataset_downloads(request: HttpRequest, slug: str) -> HttpResponse:
    """Who downloaded the data and when: for the people who decide on its access."""
    dataset = _visible_dataset(request, slug)
    if not request.user.has_perm("datagov.decide_access", dataset):
        raise PermissionDenied(_("Only the dataset's steward reads its download log."))
    log = DownloadLogFilter(request.GET or None, queryset=selectors.download_log(dataset))
    if log.is_bound and not log.is_valid():
        return render(
            request,
            "datagov/downloads.html",
            {"dataset": dataset, "filter": log, "page": None},
            status=400,
        )
    entries = log.qs
    fmt = request.GET.get("format", "")
    if fmt in EXPORT_FORMATS:
        return export_response(
            fmt,
            exports.DOWNLOAD_LOG_COLUMNS,
            entries.iterator(chunk_size=1000),
            filename=f"{dataset.slug}-downloads",
            sheet_title=_("Downloads"),
        )
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "datagov/downloads.html",
        {
            "dataset": dataset,
            "filter": log,
            "page": page,
            "current_accesses": list(selectors.current_accesses(dataset)),
        },
    )


def _suffix(name: str) -> str:
    from pathlib import PurePath

    suffix = PurePath(name).suffix.lower()
    return suffix if suffix.isascii() and len(suffix) <= 8 else ""


def preview(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    dataset, distribution = _distribution(request, slug, pk)
    if not request.user.has_perm("datagov.access_data", dataset):
        raise PermissionDenied(_("You need an approved access request to see this data."))
    services.data_access_log(user=request.user, dataset=dataset, distribution=distribution)
    data = selectors.csv_preview(distribution)
    if data is None:
        raise Http404(_("Only uploaded CSV files have a preview."))
    return render(
        request,
        "datagov/preview.html",
        {"dataset": dataset, "distribution": distribution, "preview": data},
    )


@login_required
def access_request_create(request: HttpRequest, slug: str) -> HttpResponse:
    dataset = _visible_dataset(request, slug)
    form = AccessRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.access_request_submit(user=request.user, dataset=dataset, **form.cleaned_data)
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Your request is sent to the dataset's steward."))
            return redirect(dataset.get_absolute_url())
    if request.method == "GET" and not request.user.has_perm("datagov.request_access", dataset):
        messages.info(
            request,
            _(
                "You cannot ask for access to this dataset (it is open, or you already have access)."
            ),
        )
        return redirect(dataset.get_absolute_url())
    return render(
        request,
        "datagov/access_request_form.html",
        {"form": form, "dataset": dataset},
        status=400 if form.errors else 200,
    )


@login_required
def requests(request: HttpRequest) -> HttpResponse:
    """My requests, and the requests I decide on."""
    to_decide = list(selectors.access_requests_to_decide(request.user))
    return render(
        request,
        "datagov/requests.html",
        {
            "mine": selectors.access_requests_of(request.user),
            "to_decide": to_decide,
            "decision_form": DecisionForm(),
            "today": dt.date.today(),
        },
    )


@login_required
@require_POST
def access_request_decide(request: HttpRequest, pk: int) -> HttpResponse:
    access_request = get_object_or_404(AccessRequest.objects.select_related("dataset"), pk=pk)
    if not request.user.has_perm("datagov.decide_access", access_request.dataset):
        raise Http404
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to approve or to refuse."))
        return redirect("datagov:requests")
    try:
        services.access_request_decide(
            user=request.user,
            access_request=access_request,
            approve=form.cleaned_data["decision"] == "approve",
            conditions=form.cleaned_data["conditions"],
            reason=form.cleaned_data["reason"],
        )
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The decision is recorded."))
    return redirect("datagov:requests")


@login_required
@require_POST
def access_request_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    access_request = get_object_or_404(AccessRequest.objects.select_related("dataset"), pk=pk)
    if access_request.requester_id != request.user.pk:
        raise Http404
    try:
        services.access_request_withdraw(user=request.user, access_request=access_request)
    except ServiceError as exc:
        messages.error(request, exc.message)
    return redirect("datagov:requests")


def licences(request: HttpRequest) -> HttpResponse:
    rows = [(code, label, LICENCE_URIS.get(code, "")) for code, label in Licence.choices]
    return render(request, "datagov/licences.html", {"licences": rows})


# --------------------------------------------------------------------------- the register


def _controller(slug: str) -> LocalGovernment | None:
    if slug == "association":
        return None
    return get_object_or_404(LocalGovernment, slug=slug)


@login_required
def register_index(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("datagov.view_register"):
        raise PermissionDenied
    return render(
        request,
        "datagov/register_index.html",
        {
            "controllers": selectors.register_controllers(),
            "policies": RetentionPolicy.objects.order_by("target"),
            "can_manage_retention": request.user.has_perm("datagov.manage_retention"),
            "can_add_association": request.user.has_perm("datagov.change_register", None),
            "my_cities": LocalGovernment.objects.filter(
                pk__in=scoped_local_government_ids(request.user, RoleCode.FOCAL_POINT)
            ).order_by("name"),
        },
    )


@login_required
def register_detail(request: HttpRequest, controller: str) -> HttpResponse:
    if not request.user.has_perm("datagov.view_register"):
        raise PermissionDenied
    lg = _controller(controller)
    records = list(selectors.processing_records(lg, association=lg is None))
    fmt = request.GET.get("format")
    title = _("Register of processing: %(controller)s") % {
        "controller": lg.name if lg else _("The association")
    }
    if fmt in {"csv", "xlsx"}:
        headers = [
            _("Name"),
            _("Purpose"),
            _("Legal basis"),
            _("Categories of personal data"),
            _("Categories of persons"),
            _("Recipients"),
            _("Transfers outside the country"),
            _("Retention period"),
            _("Security measures"),
            _("Data protection contact"),
        ]
        rows = (
            [
                r.name,
                r.purpose,
                r.get_legal_basis_display(),
                r.data_categories,
                r.subject_categories,
                r.recipients,
                r.transfers,
                r.retention_period,
                r.security_measures,
                r.dpo_contact,
            ]
            for r in records
        )
        return tabular_response(fmt, headers, rows, f"register-{controller}")
    if fmt == "pdf":
        flowables = []
        for r in records:
            flowables += [
                paragraph(r.name, "Heading2"),
                paragraph(f"{_('Purpose')}: {r.purpose}"),
                paragraph(f"{_('Legal basis')}: {r.get_legal_basis_display()}"),
                paragraph(f"{_('Categories of personal data')}: {r.data_categories}"),
                paragraph(f"{_('Categories of persons')}: {r.subject_categories}"),
                paragraph(f"{_('Recipients')}: {r.recipients or '—'}"),
                paragraph(f"{_('Transfers outside the country')}: {r.transfers or '—'}"),
                paragraph(f"{_('Retention period')}: {r.retention_period}"),
                paragraph(f"{_('Security measures')}: {r.security_measures}"),
                paragraph(f"{_('Data protection contact')}: {r.dpo_contact or '—'}"),
                paragraph(
                    f"{_('Datasets concerned')}: "
                    + (", ".join(ds.display_title for ds in r.datasets.all()) or "—")
                ),
            ]
        return pdf_response(build_pdf(title, flowables), f"register-{controller}", inline=False)
    return render(
        request,
        "datagov/register_detail.html",
        {
            "records": records,
            "title": title,
            "controller_slug": controller,
            "can_change": request.user.has_perm("datagov.change_register", lg),
        },
    )


@login_required
def register_record_edit(
    request: HttpRequest, controller: str, pk: int | None = None
) -> HttpResponse:
    lg = _controller(controller)
    if not request.user.has_perm("datagov.change_register", lg):
        raise PermissionDenied
    record = None
    if pk is not None:
        record = get_object_or_404(
            ProcessingRecord, Q(controller=lg) if lg else Q(controller__isnull=True), pk=pk
        )
    form = ProcessingRecordForm(request.POST or None, instance=record, controller=lg)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            services.processing_record_save(
                user=request.user,
                controller=lg,
                data=data,
                record=record,
                expected_version=form.cleaned_data.get("version")
                or (record.version if record else None),
            )
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The register is saved."))
            return redirect("datagov:register_detail", controller=controller)
    return render(
        request, "datagov/register_form.html", {"form": form, "controller_slug": controller}
    )


# ------------------------------------------------------------------------------- roadmap


def roadmap(request: HttpRequest) -> HttpResponse:
    current = selectors.current_roadmap()
    context: dict[str, Any] = {"roadmap": current}
    if current is not None:
        context["actions"] = list(current.actions.all())
        context["status_rows"] = selectors.action_status_counts(current)
        context["overdue"] = sum(a.is_overdue for a in context["actions"])
        context["can_change"] = request.user.has_perm("datagov.change_roadmap")
    context["maturity"] = selectors.maturity_latest_by_city()
    context["maturity_rows"] = [(r["name"], r["average"]) for r in context["maturity"]]
    return render(request, "datagov/roadmap.html", context)


@login_required
def action_create(request: HttpRequest) -> HttpResponse:
    return _action_form(request, None)


@login_required
def action_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _action_form(request, get_object_or_404(RoadmapAction, pk=pk))


def _action_form(request: HttpRequest, action: RoadmapAction | None) -> HttpResponse:
    if not request.user.has_perm("datagov.change_roadmap"):
        raise PermissionDenied
    roadmap = action.roadmap if action else selectors.current_roadmap()
    if roadmap is None:
        raise Http404
    form = RoadmapActionForm(request.POST or None, instance=action)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            services.roadmap_action_save(
                user=request.user,
                roadmap=roadmap,
                data=data,
                action=action,
                expected_version=form.cleaned_data.get("version"),
            )
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The roadmap is saved."))
            return redirect("datagov:roadmap")
    return render(
        request, "datagov/action_form.html", {"form": form, "action": action, "roadmap": roadmap}
    )


@login_required
def retention_edit(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.has_perm("datagov.manage_retention"):
        raise PermissionDenied
    policy = get_object_or_404(RetentionPolicy, pk=pk)
    form = RetentionPolicyForm(request.POST or None, instance=policy)
    if request.method == "POST" and form.is_valid():
        try:
            services.retention_policy_update(
                user=request.user,
                policy=policy,
                period_days=form.cleaned_data["period_days"],
                action=form.cleaned_data["action"],
                is_active=form.cleaned_data["is_active"],
            )
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The retention policy is saved."))
            return redirect("datagov:register_index")
    return render(request, "datagov/retention_form.html", {"form": form, "policy": policy})


def maturity_city(request: HttpRequest, slug: str) -> HttpResponse:
    lg = get_object_or_404(LocalGovernment, slug=slug)
    history = selectors.maturity_history(lg)
    chart = [(row["assessment"].assessed_on.isoformat(), row["average"]) for row in history["rows"]]
    return render(
        request,
        "datagov/maturity_city.html",
        {
            "local_government": lg,
            "history": history,
            "chart_rows": chart,
            "can_assess": request.user.has_perm("datagov.assess_maturity", lg),
        },
    )


@login_required
def maturity_assess(request: HttpRequest, slug: str) -> HttpResponse:
    lg = get_object_or_404(LocalGovernment, slug=slug)
    if not request.user.has_perm("datagov.assess_maturity", lg):
        raise PermissionDenied
    form = MaturityAssessmentForm(request.POST or None, initial={"assessed_on": dt.date.today()})
    if request.method == "POST" and form.is_valid():
        try:
            services.maturity_assessment_save(
                user=request.user,
                local_government=lg,
                assessed_on=form.cleaned_data["assessed_on"],
                levels=form.levels(),
                notes=form.cleaned_data["notes"],
                evidence=form.evidence(),
            )
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            return redirect("datagov:maturity_city", slug=lg.slug)
    return render(request, "datagov/maturity_form.html", {"form": form, "local_government": lg})


# ------------------------------------------------------------------------------- harvest


@login_required
def harvest_upload(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("datagov.publish"):
        raise PermissionDenied
    form = HarvestForm(
        request.POST or None, request.FILES or None, publishers=_publishers_for(request.user)
    )
    report = None
    errors: list[str] = []
    status = 200
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > harvest.MAX_BYTES:
                raise harvest.HarvestRefused(
                    _("The file is too large (%(size)s bytes; the limit is %(limit)s).")
                    % {"size": upload.size, "limit": harvest.MAX_BYTES}
                )
            report = harvest.catalogue_harvest(
                user=request.user,
                publisher=form.cleaned_data["publisher"],
                data=upload.read(),
                filename=upload.name or "",
                defaults=form.defaults(),
            )
        except ServiceError as exc:
            errors = [exc.message]
            status = 400
    return render(
        request,
        "datagov/harvest.html",
        {"form": form, "report": report, "errors": errors},
        status=status,
    )


@login_required
def harvest_sources(request: HttpRequest) -> HttpResponse:
    """The sources the user may harvest for, and a form to add one."""
    publishers = _publishers_for(request.user)
    if not publishers.exists():
        raise PermissionDenied
    form = HarvestSourceForm(request.POST or None, publishers=publishers)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != "publisher"}
            try:
                source = harvest.harvest_source_create(
                    user=request.user, publisher=form.cleaned_data["publisher"], **data
                )
            except ServiceError as exc:
                form.add_error(None, exc.message)
                status = 400
            else:
                messages.success(request, _("Source added: run it to see its report."))
                return redirect(source)
        else:
            status = 400
    sources = selectors.harvest_sources_for(request.user)
    return render(
        request,
        "datagov/harvest_sources.html",
        {"form": form, "sources": sources},
        status=status,
    )


def _source_or_404(request: HttpRequest, pk: int) -> Any:
    source = selectors.harvest_sources_for(request.user).filter(pk=pk).first()
    if source is None:
        raise Http404
    return source


@login_required
def harvest_source_detail(request: HttpRequest, pk: int) -> HttpResponse:
    source = _source_or_404(request, pk)
    runs = list(source.runs.all()[:20])
    return render(
        request,
        "datagov/harvest_source_detail.html",
        {"source": source, "runs": runs, "last": runs[0] if runs else None},
    )


@login_required
@require_POST
def harvest_source_run(request: HttpRequest, pk: int) -> HttpResponse:
    source = _source_or_404(request, pk)
    try:
        run = harvest.harvest_run_start(user=request.user, source=source)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        if run.status in {"done", "failed"}:
            messages.success(request, _("Harvest finished: its report is below."))
        else:
            messages.success(request, _("Harvest queued: its report appears here when it is done."))
    return redirect(source)


@login_required
@require_POST
def access_request_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    access = get_object_or_404(AccessRequest.objects.select_related("dataset"), pk=pk)
    if not request.user.has_perm("datagov.decide_access", access.dataset):
        raise Http404
    try:
        services.access_request_revoke(
            user=request.user, access_request=access, reason=request.POST.get("reason", "")
        )
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Access revoked; the requester has been told why."))
    return redirect(access.dataset)


@login_required
def maturity_framework(request: HttpRequest) -> HttpResponse:
    """The secretariat writes what each level means on each dimension."""
    if not request.user.has_perm("datagov.change_roadmap"):
        raise PermissionDenied
    form = MaturityFrameworkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.maturity_descriptors_save(user=request.user, texts=form.texts())
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The maturity framework is saved."))
            return redirect("datagov:roadmap")
    return render(request, "datagov/maturity_framework.html", {"form": form})

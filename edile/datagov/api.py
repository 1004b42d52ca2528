"""The datagov API: one ninja Router mounted at /api/v1/datagov/, over the same selectors and
services as the pages."""

import json
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Query, Router, Status

from edile.accounts.api_auth import required_user
from edile.core import exportfiles
from edile.core.apischema import export_file_responses
from edile.core.errors import ServiceError
from edile.datagov import exportfiles as datagov_exportfiles
from edile.datagov import exports, selectors, services
from edile.datagov.advice import findings_text
from edile.datagov.models import AccessRequest, Dataset
from edile.datagov.schemas import (
    AccessDecisionIn,
    AccessRequestIn,
    AccessRequestOut,
    DataDictionaryIn,
    DataDictionaryOut,
    DatasetDetailOut,
    DatasetFilters,
    DatasetIn,
    DatasetPage,
    DatasetUpdateIn,
    ErrorDetail,
    HarvestReportOut,
    HarvestSourceIn,
    HarvestSourceOut,
)
from edile.datagov.search import fold
from edile.members.models import LocalGovernment

router = Router(tags=["datagov"])


def _base(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def _dataset(request: HttpRequest, ds: Dataset) -> dict[str, Any]:
    publisher = ds.publisher
    return {
        "slug": ds.slug,
        "uri": str(exports.dataset_iri(_base(request), ds.slug)),
        "title": ds.title,
        "title_fr": ds.title_fr,
        "title_en": ds.title_en,
        "description": ds.description,
        "publisher": publisher.name if publisher else None,
        "publisher_slug": publisher.slug if publisher else None,
        "country": publisher.country.code if publisher else None,
        "classification": ds.classification,
        "licence": ds.licence,
        "themes": [t.code for t in ds.themes.all()],
        "keywords": ds.keyword_list,
        "formats": sorted({d.format for d in ds.distributions.all()}),
        "modified": ds.modified,
        "is_fictional": ds.is_fictional,
    }


@router.get("/datasets", response=DatasetPage)
def list_datasets(request: HttpRequest, filters: Query[DatasetFilters]) -> dict[str, Any]:
    """Datasets the viewer may see, with the same search and facets as the catalogue page."""
    query = selectors.DatasetFilters(
        q=filters.q,
        publisher=filters.publisher,
        country=filters.country.upper(),
        theme=filters.theme or "",
        format=filters.format or "",
        licence=filters.licence or "",
        classification=filters.classification or "",
        year=filters.year,
        keyword=fold(filters.keyword),
        sort=filters.sort,
    )
    results = selectors.dataset_search(request.user, query)
    page = results[filters.offset : filters.offset + filters.limit]
    return {
        "count": results.count(),
        "items": [_dataset(request, ds) for ds in page],
        "facets": selectors.dataset_facets(request.user, query),
    }


@router.get("/datasets/{slug}", response=DatasetDetailOut)
def get_dataset(request: HttpRequest, slug: str) -> Any:
    """The dataset (JSON), or its DCAT-AP by content negotiation (`Accept: text/turtle`,
    `application/ld+json`, `application/rdf+xml`, `application/n-triples`): this is the
    dataset's IRI in the export."""
    ds = selectors.dataset_detail(request.user, slug)
    if ds is None:
        raise Http404("No such dataset, or you may not see it.")
    rdf = exports.dataset_rdf_response(request, ds, "application/json")
    if rdf is not None:
        return rdf
    access = request.user.has_perm("datagov.access_data", ds)
    manages = request.user.has_perm("datagov.change_dataset", ds)
    base = _base(request)
    page = base + ds.get_absolute_url()
    data = _dataset(request, ds)
    data.update(
        description_fr=ds.description_fr,
        description_en=ds.description_en,
        contact_name=ds.contact_name,
        contact_email=ds.contact_email,
        frequency=ds.frequency,
        issued=ds.issued,
        temporal_start=ds.temporal_start,
        temporal_end=ds.temporal_end,
        spatial_local_government=ds.spatial_local_government.slug
        if ds.spatial_local_government
        else None,
        spatial_country=ds.spatial_country.code or None,
        quality_notes=ds.quality_notes,
        version=ds.version,
        access=access,
        dcat_errors=findings_text(ds.dcat_errors) if manages else None,
        dcat_warnings=findings_text(ds.dcat_warnings) if manages else None,
        distributions=[
            {
                "id": d.pk,
                "title": d.title,
                "format": d.format,
                "media_type": d.media_type,
                "byte_size": d.byte_size,
                "checksum": d.checksum,
                "is_file": d.is_file,
                "access_url": page,
                "download_url": (
                    base + reverse("datagov:download", kwargs={"slug": ds.slug, "pk": d.pk})
                    if access
                    else None
                ),
                "csvw_url": f"{data['uri']}/distributions/{d.pk}/csvw"
                if getattr(d, "dictionary", None) is not None
                else None,
            }
            for d in ds.distributions.all()
        ],
    )
    return data


@router.get(
    "/datasets/{slug}/distributions/{distribution_id}/csvw", response={200: Any, 404: ErrorDetail}
)
def get_distribution_csvw(request: HttpRequest, slug: str, distribution_id: int) -> Any:
    """The CSVW metadata of a CSV file's data dictionary (`application/csvm+json`): each
    column's name, datatype, unit and descriptions. 404 without a dictionary, or when the
    viewer may not see the dataset (its metadata are what the dataset's are)."""
    ds = selectors.dataset_detail(request.user, slug)
    if ds is None:
        raise Http404("No such dataset, or you may not see it.")
    dist = next((d for d in ds.distributions.all() if d.pk == distribution_id), None)
    dictionary = getattr(dist, "dictionary", None)
    if dist is None or dictionary is None:
        raise Http404("This file has no data dictionary.")
    body = json.dumps(
        exports.csvw_metadata(_base(request), ds, dist, dictionary), ensure_ascii=False, indent=2
    )
    return HttpResponse(body, content_type="application/csvm+json; charset=utf-8")


@router.put(
    "/datasets/{slug}/distributions/{distribution_id}/dictionary",
    response=DataDictionaryOut,
    auth=required_user,
)
def put_distribution_dictionary(
    request: HttpRequest, slug: str, distribution_id: int, payload: DataDictionaryIn
) -> dict[str, Any]:
    """Write the data dictionary of an uploaded CSV file (its steward, or the people who manage
    the dataset): every column in the file's order, with the `version` read (0 for a first
    one). 400 for a link or another format, or two columns with one name; 409 if it changed."""
    ds = selectors.dataset_detail(request.user, slug)
    if ds is None:
        raise Http404("No such dataset, or you may not see it.")
    dist = next((d for d in ds.distributions.all() if d.pk == distribution_id), None)
    if dist is None:
        raise Http404("No such file in this dataset.")
    dictionary = services.data_dictionary_save(
        user=request.user,
        distribution=dist,
        columns=[services.ColumnDescription(**c.dict()) for c in payload.columns],
        expected_version=payload.version,
    )
    return {
        "version": dictionary.version,
        "delimiter": dictionary.delimiter,
        "columns": [
            {
                "name": c.name,
                "datatype": c.datatype,
                "unit": c.unit,
                "description_fr": c.description_fr or "",
                "description_en": c.description_en or "",
            }
            for c in dictionary.columns.all()
        ],
    }


@router.post("/datasets", response={201: DatasetDetailOut}, auth=required_user)
def create_dataset(request: HttpRequest, payload: DatasetIn) -> Status:
    """Publish a dataset (a focal point for its city, the secretariat for any)."""
    publisher = None
    if payload.publisher:
        publisher = LocalGovernment.objects.filter(slug=payload.publisher).first()
        if publisher is None:
            raise Http404(f"No member city with slug {payload.publisher!r}.")
    data = payload.dict(exclude={"publisher", "themes"})
    ds = services.dataset_create(
        user=request.user, publisher=publisher, data=data, themes=list(payload.themes)
    )
    return Status(201, get_dataset(request, ds.slug))


@router.put("/datasets/{slug}", response=DatasetDetailOut, auth=required_user)
def update_dataset(request: HttpRequest, slug: str, payload: DatasetUpdateIn) -> dict[str, Any]:
    """Change a dataset's metadata; refused with 409 if someone saved it since `version`."""
    ds = selectors.dataset_detail(request.user, slug)
    if ds is None:
        raise Http404("No such dataset, or you may not see it.")
    data = payload.dict(exclude={"publisher", "themes", "version"})
    services.dataset_update(
        user=request.user,
        dataset=ds,
        data=data,
        themes=list(payload.themes),
        expected_version=payload.version,
    )
    return get_dataset(request, ds.slug)


def _stream(
    request: HttpRequest, chunks: Any, content_type: str, filename: str
) -> StreamingHttpResponse:
    response = StreamingHttpResponse(chunks, content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


MAX_PAGE_SIZE = 1000


def _catalogue(request: HttpRequest, page: int | None, page_size: int) -> Any:
    """All datasets in one stream, or one Hydra page of them when `page` is given."""
    if page is None:
        return selectors.dataset_export_stream(request.user), None
    if page < 1 or not 1 <= page_size <= MAX_PAGE_SIZE:
        raise ServiceError(f"page starts at 1, and page_size is between 1 and {MAX_PAGE_SIZE}.")
    datasets = selectors.dataset_for_export(request.user)
    paging = exports.Paging(
        url=request.build_absolute_uri(request.path),
        page=page,
        page_size=page_size,
        total=datasets.count(),
    )
    return datasets[(page - 1) * page_size : page * page_size], paging


def _stored_catalogue(request: HttpRequest, key: str, page: int | None) -> Any:
    """The stored file of the whole public catalogue, for an anonymous reader who asked at the
    site's public address (the file's IRIs are made from it); else None (answered live)."""
    if page is not None or request.user.is_authenticated:
        return None
    if _base(request) != exports.default_base_url():
        return None
    return exportfiles.serve(request, key)


@router.get(
    "/catalog.jsonld",
    auth=None,
    include_in_schema=True,
    response={200: Any, 400: ErrorDetail},
    openapi_extra=export_file_responses(),
)
def catalog_jsonld(
    request: HttpRequest,
    page: Query[int | None] = None,
    page_size: Query[int] = MAX_PAGE_SIZE,
) -> HttpResponseBase:
    """The DCAT-AP 3.0.1 catalogue of the datasets the viewer may see, JSON-LD (context inline);
    with `page` (from 1) one page of `page_size` datasets (at most 1000) and Hydra links.
    The whole public catalogue is served from the file built after the last change (`ETag`,
    `Last-Modified`; 304 to a conditional GET), or streamed while it is being rebuilt."""
    stored = _stored_catalogue(request, datagov_exportfiles.JSONLD, page)
    if stored is not None:
        return stored
    datasets, paging = _catalogue(request, page, page_size)
    chunks = exports.jsonld_chunks(datasets, _base(request), paging)
    return _stream(request, chunks, "application/ld+json; charset=utf-8", "catalog.jsonld")


@router.get(
    "/catalog.ttl",
    auth=None,
    response={200: Any, 400: ErrorDetail},
    openapi_extra=export_file_responses(),
)
def catalog_turtle(
    request: HttpRequest,
    page: Query[int | None] = None,
    page_size: Query[int] = MAX_PAGE_SIZE,
) -> HttpResponseBase:
    """The same catalogue in Turtle (paged, and stored as a file, the same way)."""
    stored = _stored_catalogue(request, datagov_exportfiles.TURTLE, page)
    if stored is not None:
        return stored
    datasets, paging = _catalogue(request, page, page_size)
    chunks = exports.turtle_chunks(datasets, _base(request), paging)
    return _stream(request, chunks, "text/turtle; charset=utf-8", "catalog.ttl")


def _request_out(r: AccessRequest) -> dict[str, Any]:
    return {
        "id": r.pk,
        "dataset": r.dataset.slug,
        "status": r.status,
        "purpose": r.purpose,
        "intended_use": r.intended_use,
        "duration_days": r.duration_days,
        "legal_basis": r.legal_basis,
        "conditions": r.conditions,
        "refusal_reason": r.refusal_reason,
        "expires_on": r.expires_on,
        "active": r.is_active(),
    }


@router.post(
    "/datasets/{slug}/access-requests", response={201: AccessRequestOut}, auth=required_user
)
def request_access(
    request: HttpRequest, slug: str, payload: AccessRequestIn
) -> tuple[int, dict[str, Any]]:
    ds = selectors.dataset_detail(request.user, slug)
    if ds is None:
        raise Http404("No such dataset, or you may not see it.")
    r = services.access_request_submit(user=request.user, dataset=ds, **payload.dict())
    return Status(201, _request_out(r))


@router.get("/access-requests", response=dict[str, list[AccessRequestOut]], auth=required_user)
def list_access_requests(request: HttpRequest) -> dict[str, list[dict[str, Any]]]:
    """`mine`: the viewer's requests; `to_decide`: pending requests the viewer decides on."""
    return {
        "mine": [_request_out(r) for r in selectors.access_requests_of(request.user)],
        "to_decide": [_request_out(r) for r in selectors.access_requests_to_decide(request.user)],
    }


@router.post(
    "/access-requests/{int:request_id}/decision", response=AccessRequestOut, auth=required_user
)
def decide_access(
    request: HttpRequest, request_id: int, payload: AccessDecisionIn
) -> dict[str, Any]:
    r = get_object_or_404(AccessRequest.objects.select_related("dataset"), pk=request_id)
    if not request.user.has_perm("datagov.decide_access", r.dataset):
        if r.requester_id == request.user.pk:
            raise PermissionDenied("Only the dataset's steward decides on its access requests.")
        raise Http404("No such request.")
    r = services.access_request_decide(
        user=request.user,
        access_request=r,
        approve=payload.approve,
        conditions=payload.conditions,
        reason=payload.reason,
    )
    return _request_out(r)


# ------------------------------------------------------------------------------- harvesting


def _source_out(source: Any) -> dict[str, Any]:
    return {
        "id": source.pk,
        "name": source.name,
        "url": source.url,
        "kind": source.kind,
        "city": source.publisher.slug,
        "schedule": source.schedule,
        "default_licence": source.default_licence,
        "default_contact_email": source.default_contact_email,
        "default_language": source.default_language,
        "last_run_at": source.last_run_at,
    }


def _run_out(run: Any) -> dict[str, Any]:
    return {
        "run": run.pk,
        "status": run.status,
        **run.report(),
        "flagged": run.flagged,
    }


@router.get("/harvest-sources", response={200: list[HarvestSourceOut]}, auth=required_user)
def list_harvest_sources(request: HttpRequest) -> list[dict[str, Any]]:
    """The sources of the cities the caller may harvest for."""
    return [_source_out(s) for s in selectors.harvest_sources_for(request.user)]


@router.post(
    "/harvest-sources",
    response={201: HarvestSourceOut, 400: ErrorDetail, 403: ErrorDetail, 404: ErrorDetail},
    auth=required_user,
)
def create_harvest_source(request: HttpRequest, payload: HarvestSourceIn) -> Status:
    """Add a source: a catalogue's address, its kind (`ckan` or `dcat`) and the city (slug)."""
    from edile.datagov import harvest

    city = LocalGovernment.objects.filter(slug=payload.city).first()
    if city is None:
        raise Http404(f"No member city with slug {payload.city!r}.")
    source = harvest.harvest_source_create(
        user=request.user, publisher=city, **payload.dict(exclude={"city"})
    )
    return Status(201, _source_out(source))


@router.post(
    "/harvest-sources/{int:source_id}/run",
    response={
        200: HarvestReportOut,
        202: HarvestReportOut,
        400: ErrorDetail,
        403: ErrorDetail,
        404: ErrorDetail,
    },
    auth=required_user,
)
def run_harvest_source(request: HttpRequest, source_id: int) -> Status:
    """Run the source in the background; 200 with the report when the run is already done
    (the immediate task backend), 202 while it is queued (poll the runs endpoint)."""
    from edile.datagov import harvest

    source = selectors.harvest_sources_for(request.user).filter(pk=source_id).first()
    if source is None:
        raise Http404("No such harvest source, or you may not harvest it.")
    run = harvest.harvest_run_start(user=request.user, source=source)
    return Status(200 if run.status in {"done", "failed"} else 202, _run_out(run))


@router.get(
    "/harvest-sources/{int:source_id}/runs/{int:run_id}",
    response={200: HarvestReportOut, 404: ErrorDetail},
    auth=required_user,
)
def get_harvest_run(request: HttpRequest, source_id: int, run_id: int) -> dict[str, Any]:
    source = selectors.harvest_sources_for(request.user).filter(pk=source_id).first()
    run = source.runs.filter(pk=run_id).first() if source else None
    if run is None:
        raise Http404("No such harvest run.")
    return _run_out(run)

"""The observatory API: an adapter over the same selectors as the pages.

Anonymous callers get public fields only; an analyst's token shows more, and that read is
logged like on the pages.
"""

from typing import Any, Literal

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from ninja import Query, Router

from edile.core import exportfiles
from edile.core.apischema import export_file_responses
from edile.core.errors import ServiceError
from edile.observatory import exportfiles as observatory_exportfiles
from edile.observatory import exports, selectors, services
from edile.observatory.models import Incident
from edile.observatory.permissions import CONFIDENTIAL, PUBLIC, level_for
from edile.observatory.schemas import (
    IncidentDetailOut,
    IncidentFilters,
    IncidentPage,
    StatisticsQuery,
    SuggestionOut,
)

router = Router(tags=["observatory"])


def _filters(filters: IncidentFilters) -> selectors.IncidentFilters:
    return selectors.IncidentFilters(
        q=filters.q, country=filters.country, year=filters.year, violation=filters.violation
    )


@router.get("/incidents", response=IncidentPage)
def list_incidents(request: HttpRequest, filters: Query[IncidentFilters]) -> dict[str, Any]:
    """Incidents the caller may see, newest first: `{"items": [...], "count": N}`."""
    queryset = selectors.incident_list(request.user, _filters(filters))
    level = level_for(request)
    page = queryset[filters.offset : filters.offset + filters.limit]
    items = [selectors.incident_view(i, level, full=False) for i in page]
    revealed = sorted({part for item in items for part in item["revealed"]})
    if revealed:
        services.confidential_read_log(
            user=request.user,
            what=f"API incident list ({len(items)}): " + ", ".join(revealed),
            path=request.get_full_path(),
        )
    return {"items": items, "count": queryset.count()}


@router.get("/incidents.csv", openapi_extra=export_file_responses())
def incidents_csv(
    request: HttpRequest, filters: Query[IncidentFilters], audience: Literal["", "public"] = ""
) -> HttpResponseBase:
    """The same incidents as a CSV file, at the caller's level.

    `audience=public` gives the public file (published public incidents, public fields)
    whoever asks, a signed-in analyst included. An analyst's own file is named and marked
    as confidential and internal, and its read is logged. The public file of every incident
    (no filter) is served from the file built after the last change (`ETag`,
    `Last-Modified`; 304 to a conditional GET), or streamed while it is being rebuilt."""
    public = audience == "public" or level_for(request) == PUBLIC
    if public and _filters(filters) == selectors.IncidentFilters():
        stored = exportfiles.serve(request, observatory_exportfiles.INCIDENTS)
        if stored is not None:
            return stored
    if audience == "public":
        return exports.incidents_csv(None, _filters(filters))
    if level_for(request) >= CONFIDENTIAL:
        services.confidential_read_log(
            user=request.user, what="API incident CSV export", path=request.get_full_path()
        )
    return exports.incidents_csv(request.user, _filters(filters))


@router.get("/incidents/{reference}", response=IncidentDetailOut)
def get_incident(request: HttpRequest, reference: str) -> dict[str, Any]:
    try:
        incident = selectors.incident_detail(request.user, reference)
    except Incident.DoesNotExist:
        raise Http404("No incident with this reference.") from None
    view = selectors.incident_view(incident, level_for(request))
    view["responses"] = selectors.incident_responses(incident, request.user)
    if view["revealed"]:
        services.confidential_read_log(
            user=request.user,
            incident=incident,
            what="API: " + ", ".join(view["revealed"]),
            path=request.get_full_path(),
        )
    return view


@router.get("/suggestions", response=list[SuggestionOut])
def suggestions(request: HttpRequest, q: str = "") -> list[dict[str, Any]]:
    """Up to 10 incidents matching `q` in what the caller may read (for search boxes)."""
    q = q.strip()[:100]
    if len(q) < 2:
        return []
    rows = selectors.incident_list(request.user, selectors.IncidentFilters(q=q))[:10]
    return [{"reference": i.reference, "title": i.title, "url": i.get_absolute_url()} for i in rows]


@router.get("/statistics")
def statistics(request: HttpRequest, query: Query[StatisticsQuery]) -> dict[str, Any]:
    """Counts by year, country, region, violation, perpetrator, gender, office, motive,
    impunity; the counting unit is stated; public counts below 3 are returned as null."""
    return selectors.statistics(
        request.user,
        selectors.StatisticsFilters(
            unit=query.unit, year=query.year, country=query.country, scope=query.scope or ""
        ),
    )


@router.get("/map")
def map_data(
    request: HttpRequest, by: str = "country", year: int | None = None
) -> list[dict[str, Any]]:
    """Incidents aggregated by country (or `by=region`), positions rounded."""
    if by not in ("country", "region"):
        raise ServiceError("by: use country or region.")
    return selectors.map_data(request.user, by=by, year=year)


@router.get("/legal-benchmark")
def legal_benchmark(request: HttpRequest) -> dict[str, Any]:
    """Pillar scores (0–100), indexes and every criterion score with its evidence.

    Weights can be adjusted with `w_<pillar code>=<0..10>` parameters."""
    return exports.benchmark_json(request.GET, level=level_for(request))


@router.get("/legal-benchmark.csv")
def legal_benchmark_csv(request: HttpRequest) -> HttpResponse:
    return exports.benchmark_csv()

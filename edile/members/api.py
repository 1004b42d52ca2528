"""The members API: an adapter over the same selectors as the pages."""

from typing import Any

from django.http import Http404, HttpRequest
from ninja import Query, Router
from ninja.pagination import LimitOffsetPagination, paginate

from edile.members import selectors
from edile.members.models import LocalGovernment
from edile.members.schemas import (
    LocalGovernmentDetailOut,
    LocalGovernmentFilters,
    LocalGovernmentOut,
    PersonOut,
)

router = Router(tags=["members"])


def _person(person: Any) -> "PersonOut | None":
    if person is None:
        return None
    return PersonOut(
        id=person.pk, name=str(person), gender=person.gender, is_fictional=person.is_fictional
    )


def _local_government(lg: LocalGovernment) -> dict[str, Any]:
    membership = getattr(lg, "membership", None)
    return {
        "id": lg.pk,
        "slug": lg.slug,
        "name": lg.name,
        "name_fr": lg.name_fr,
        "name_en": lg.name_en,
        "kind": lg.kind,
        "country": lg.country.code,
        "region": lg.region,
        "population": lg.population,
        "latitude": float(lg.latitude) if lg.latitude is not None else None,
        "longitude": float(lg.longitude) if lg.longitude is not None else None,
        "website": lg.website,
        "membership_status": membership.status if membership else None,
        "current_mayor": _person(selectors.current_mayor(lg)),
    }


def _list_item(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": row["id"],
        "slug": row["slug"],
        "name": row["name"],
        "name_fr": row["name_fr"],
        "name_en": row["name_en"],
        "kind": row["kind"],
        "country": row["country"],
        "region": row["region"],
        "population": row["population"],
        "latitude": None if row["latitude"] is None else float(row["latitude"]),
        "longitude": None if row["longitude"] is None else float(row["longitude"]),
        "website": row["website"],
        "membership_status": row["membership_status"],
        "current_mayor": row["mayor"],
    }


@router.get("/local-governments", response=list[LocalGovernmentOut])
@paginate(LimitOffsetPagination)
def list_local_governments(request: HttpRequest, filters: Query[LocalGovernmentFilters]) -> Any:
    """Member local governments, filtered like the member list page. `{"items", "count"}`."""
    query = selectors.MemberFilters(
        q=filters.q,
        country=filters.country,
        region=filters.region,
        kind=filters.kind or "",
        status=filters.status or "",
    )
    return _LazyRows(query)


class _LazyRows:
    """Let the paginator count and slice in SQL; only the page's rows are read, as plain
    dicts from `.values()` (3 queries: count, rows, their current mayors)."""

    def __init__(self, filters: selectors.MemberFilters) -> None:
        self.filters = filters

    def count(self) -> int:
        return selectors.local_government_count(self.filters)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, item: slice) -> list[dict[str, Any]]:
        rows = selectors.local_government_rows(self.filters, start=item.start or 0, stop=item.stop)
        return [_list_item(row) for row in rows]


@router.get("/local-governments/{int:local_government_id}", response=LocalGovernmentDetailOut)
def get_local_government(request: HttpRequest, local_government_id: int) -> dict[str, Any]:
    lg = LocalGovernment.objects.select_related("membership").filter(pk=local_government_id).first()
    if lg is None:
        raise Http404(f"No local government with id {local_government_id}.")
    data = _local_government(lg)
    data["mandates"] = [
        {"person": _person(m.person), "office": m.office, "start": m.start, "end": m.end}
        for m in selectors.local_government_mandates(lg)
    ]
    membership = getattr(lg, "membership", None)
    data["joined_on"] = membership.joined_on if membership else None
    return data


@router.get("/statistics")
def statistics(request: HttpRequest) -> dict[str, Any]:
    """Counts of members by country and region, computed from records."""
    return {
        "figures": selectors.registry_key_figures(),
        "by_country": selectors.members_by_country(),
        "by_region": selectors.members_by_region(),
    }

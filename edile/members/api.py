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
    return _LazyRows(selectors.local_government_list(query))


class _LazyRows:
    """Let the paginator slice the queryset in SQL, then shape only the page's rows."""

    def __init__(self, queryset: Any) -> None:
        self.queryset = queryset

    def count(self) -> int:
        return self.queryset.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, item: slice) -> list[dict[str, Any]]:
        return [_local_government(lg) for lg in self.queryset[item]]


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

"""Reads of the member registry, already shaped for the page or endpoint that uses them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.urls import reverse
from django.utils.translation import get_language

from edile.members.models import (
    LocalGovernment,
    Mandate,
    Membership,
    MembershipStatus,
    Office,
    Person,
)


@dataclass(frozen=True)
class MemberFilters:
    q: str = ""
    country: str = ""
    region: str = ""
    kind: str = ""
    status: str = ""


def _current_mayors() -> Prefetch:
    return Prefetch(
        "mandates",
        queryset=Mandate.objects.filter(office=Office.MAYOR, end__isnull=True).select_related(
            "person"
        ),
        to_attr="current_mayor_mandates",
    )


def _filtered(filters: MemberFilters) -> QuerySet[LocalGovernment]:
    qs = LocalGovernment.objects.all()
    if filters.q:
        qs = qs.filter(
            Q(name_fr__icontains=filters.q)
            | Q(name_en__icontains=filters.q)
            | Q(region_fr__icontains=filters.q)
            | Q(region_en__icontains=filters.q)
        )
    if filters.country:
        qs = qs.filter(country=filters.country.upper())
    if filters.region:
        qs = qs.filter(Q(region_fr__iexact=filters.region) | Q(region_en__iexact=filters.region))
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.status:
        qs = qs.filter(membership__status=filters.status)
    return qs.order_by(_name_field(), "pk")


def _name_field() -> str:
    return "name_en" if _english() else "name_fr"


def _english() -> bool:
    return (get_language() or "fr").startswith("en")


def local_government_list(filters: MemberFilters) -> QuerySet[LocalGovernment]:
    """Local governments matching the filters, with membership and current mayor in 2 queries."""
    return _filtered(filters).select_related("membership").prefetch_related(_current_mayors())


def _plain_values(queryset: QuerySet[LocalGovernment], *fields: str) -> QuerySet[Any]:
    """`.values()` without modeltranslation's per-row fallback rewriting (which cost more than
    the SQL): callers ask for `name_fr` and `name_en` and choose the language themselves."""
    return queryset.raw_values(*fields)  # type: ignore[attr-defined]


def local_government_count(filters: MemberFilters) -> int:
    return _filtered(filters).order_by().count()


# The columns a list row carries: what the API list, the exports and the list page show.
ROW_FIELDS = (
    "id",
    "slug",
    "name_fr",
    "name_en",
    "kind",
    "country",
    "region_fr",
    "region_en",
    "population",
    "latitude",
    "longitude",
    "website",
    "membership__status",
)


def local_government_rows(
    filters: MemberFilters, *, start: int = 0, stop: int | None = None
) -> list[dict[str, Any]]:
    """Rows (plain dicts) of the filtered list from `start` to `stop`, in 2 queries.

    Each row has the model's columns, `name` and `region` in the reader's language (falling
    back to French as the pages do), `membership_status`, and `mayor` (a dict or None).
    """
    rows = list(_plain_values(_filtered(filters), *ROW_FIELDS)[start:stop])
    return _with_current_mayors(rows)


def local_government_rows_all(
    filters: MemberFilters, *, chunk_size: int = 2000
) -> Iterator[dict[str, Any]]:
    """Every row of the filtered list, a chunk at a time (memory stays flat for exports).

    The language is fixed when this is called: a streamed export is read after the view.
    """
    queryset = _plain_values(_filtered(filters), *ROW_FIELDS)
    english = _english()

    def rows() -> Iterator[dict[str, Any]]:
        chunk: list[dict[str, Any]] = []
        for row in queryset.iterator(chunk_size=chunk_size):
            chunk.append(row)
            if len(chunk) >= chunk_size:
                yield from _with_current_mayors(chunk, english=english)
                chunk = []
        if chunk:
            yield from _with_current_mayors(chunk, english=english)

    return rows()


def _with_current_mayors(
    rows: list[dict[str, Any]], *, english: bool | None = None
) -> list[dict[str, Any]]:
    english = _english() if english is None else english
    mayors: dict[int, dict[str, Any]] = {}
    if rows:
        mandates = (
            Mandate.objects.filter(
                office=Office.MAYOR,
                end__isnull=True,
                local_government_id__in=[r["id"] for r in rows],
            )
            .order_by()
            .values(
                "local_government_id",
                "person_id",
                "person__given_name",
                "person__family_name",
                "person__gender",
                "person__is_fictional",
            )
        )
        for m in mandates:
            mayors[m["local_government_id"]] = {
                "id": m["person_id"],
                "name": f"{m['person__given_name']} {m['person__family_name']}",
                "gender": m["person__gender"],
                "is_fictional": m["person__is_fictional"],
            }
    for row in rows:
        if english:
            row["name"] = row["name_en"] or row["name_fr"]
            row["region"] = row["region_en"] or row["region_fr"]
        else:
            row["name"] = row["name_fr"] or row["name_en"]
            row["region"] = row["region_fr"] or row["region_en"]
        row["membership_status"] = row.pop("membership__status")
        row["mayor"] = mayors.get(row["id"])
    return rows


def current_mayor(local_government: LocalGovernment) -> Person | None:
    mandates = getattr(local_government, "current_mayor_mandates", None)
    if mandates is None:
        mandates = list(
            local_government.mandates.filter(office=Office.MAYOR, end__isnull=True).select_related(
                "person"
            )
        )
    return mandates[0].person if mandates else None


def local_government_detail(slug: str) -> LocalGovernment:
    return (
        LocalGovernment.objects.select_related("membership")
        .prefetch_related(_current_mayors())
        .get(slug=slug)
    )


def local_government_mandates(local_government: LocalGovernment) -> QuerySet[Mandate]:
    return local_government.mandates.select_related("person").order_by("-start")


def membership_dues(membership: Membership) -> QuerySet[Any]:
    return membership.dues.order_by("-year")


def is_in_good_standing(local_government: LocalGovernment | int, year: int | None = None) -> bool:
    """Active member whose dues for `year` (default: last year) are paid.

    The grants module's eligibility rules rely on this.
    """
    year = year or dt.date.today().year - 1
    lg_id = getattr(local_government, "pk", local_government)
    return Membership.objects.filter(
        local_government_id=lg_id,
        status=MembershipStatus.ACTIVE,
        dues__year=year,
        dues__paid_on__isnull=False,
    ).exists()


def filter_choices() -> dict[str, list[Any]]:
    """Countries and regions that actually occur, for the filter drop-downs."""
    countries = LocalGovernment.objects.order_by().values_list("country", flat=True).distinct()
    region_field = "region_en" if (get_language() or "fr").startswith("en") else "region_fr"
    regions = (
        LocalGovernment.objects.exclude(**{region_field: ""})
        .exclude(**{f"{region_field}__isnull": True})
        .order_by(region_field)
        .values_list(region_field, flat=True)
        .distinct()
    )
    from django_countries import countries as country_names

    return {
        "countries": sorted(
            ((code, country_names.name(code)) for code in countries if code), key=lambda c: c[1]
        ),
        "regions": list(regions),
    }


def members_by_country() -> list[dict[str, Any]]:
    """Member local governments (active memberships) and population per country."""
    rows = (
        LocalGovernment.objects.filter(membership__status=MembershipStatus.ACTIVE)
        .values("country")
        .annotate(count=Count("id"), population=Sum("population"))
        .order_by("-count", "country")
    )
    from django_countries import countries as country_names

    return [{**row, "name": country_names.name(row["country"])} for row in rows]


def members_by_region(country: str = "") -> list[dict[str, Any]]:
    """Active members per region, of every country or of one (`country`, an ISO code)."""
    region_field = "region_en" if (get_language() or "fr").startswith("en") else "region_fr"
    qs = LocalGovernment.objects.filter(membership__status=MembershipStatus.ACTIVE)
    if country:
        qs = qs.filter(country=country.upper())
    rows = (
        qs.values("country", region_field)
        .annotate(count=Count("id"))
        .order_by("country", region_field)
    )
    from django_countries import countries as country_names

    return [
        {
            "country": row["country"],
            "country_name": country_names.name(row["country"]),
            "region": row[region_field] or "",
            "count": row["count"],
        }
        for row in rows
    ]


def registry_key_figures() -> dict[str, int]:
    """The home page's figures, counted from records in two queries."""
    members = LocalGovernment.objects.filter(membership__status=MembershipStatus.ACTIVE).aggregate(
        members=Count("id"),
        countries=Count("country", distinct=True),
        population=Sum("population"),
    )
    mayors = Mandate.objects.filter(
        office=Office.MAYOR,
        end__isnull=True,
        local_government__membership__status=MembershipStatus.ACTIVE,
    ).count()
    return {
        "members": members["members"] or 0,
        "countries": members["countries"] or 0,
        "population": members["population"] or 0,
        "mayors": mayors,
    }


def _mapped() -> QuerySet[LocalGovernment]:
    return LocalGovernment.objects.filter(
        membership__status=MembershipStatus.ACTIVE,
        latitude__isnull=False,
        longitude__isnull=False,
    )


def map_point_count() -> int:
    return _mapped().count()


def map_points() -> list[dict[str, Any]]:
    name_field = "name_en" if (get_language() or "fr").startswith("en") else "name_fr"
    fields = dict.fromkeys(["slug", "name_fr", name_field, "country", "latitude", "longitude"])
    rows = _plain_values(_mapped(), *fields)
    # One reverse() for the pattern, not one per point (10,000 points at the bench size).
    url = reverse("members:local_government_detail", kwargs={"slug": "__slug__"})
    return [
        {
            "label": r[name_field] or r["name_fr"],
            "url": url.replace("__slug__", r["slug"]),
            "country": r["country"],
            "lat": round(float(r["latitude"]), 5),
            "lon": round(float(r["longitude"]), 5),
        }
        for r in rows.order_by("pk")
    ]

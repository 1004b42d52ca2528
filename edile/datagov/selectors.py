"""Reads of the data catalogue, already filtered to what the viewer may see."""

from __future__ import annotations

import csv
import datetime as dt
import gc
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import reduce
from operator import add, or_
from typing import Any

from django.db import connection
from django.db.models import (
    Avg,
    BooleanField,
    Case,
    Count,
    F,
    IntegerField,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, ExtractYear, Lower, NullIf
from django.utils.translation import get_language
from django_countries import countries as country_names

from edile.accounts.models import RoleCode
from edile.accounts.selectors import has_role, scoped_local_government_ids
from edile.datagov import search
from edile.datagov.models import (
    AccessRequest,
    AccessRequestStatus,
    Classification,
    ColumnType,
    Dataset,
    DataTheme,
    Distribution,
    DistributionFormat,
    DownloadLog,
    HarvestSource,
    Licence,
    MaturityAssessment,
    MaturityDimension,
    MaturityScore,
    ProcessingRecord,
    Roadmap,
    RoadmapAction,
    Theme,
)
from edile.datagov.permissions import is_member_user
from edile.members.models import LocalGovernment


def _lang() -> str:
    return "en" if (get_language() or "fr").startswith("en") else "fr"


def visibility_q(user: Any) -> Q:
    """The datasets whose metadata `user` may see (internal and personal are hidden to others)."""
    if has_role(user, RoleCode.SECRETARIAT, RoleCode.ADMINISTRATOR):
        return Q()
    q = Q(classification__in=[Classification.OPEN, Classification.RESTRICTED])
    if getattr(user, "is_authenticated", False):
        q |= Q(steward=user)
        focal = scoped_local_government_ids(user, RoleCode.FOCAL_POINT)
        if focal:
            q |= Q(publisher_id__in=focal)
        if is_member_user(user):
            q |= Q(classification=Classification.PERSONAL)
    return q


def dataset_visible(user: Any) -> QuerySet[Dataset]:
    """Withdrawn datasets (gone from their harvest source) are kept but listed nowhere."""
    return Dataset.objects.filter(visibility_q(user), withdrawn_at__isnull=True)


@dataclass(frozen=True)
class DatasetFilters:
    q: str = ""
    publisher: str = ""  # local government slug, or "association"
    country: str = ""
    theme: str = ""
    format: str = ""
    licence: str = ""
    classification: str = ""
    year: str = ""  # the year of issue, "2024"
    keyword: str = ""  # a keyword's folded key ("donnees"); any spelling of it folds the same
    sort: str = ""  # "" (relevance when searching, else last modified), "title", "modified"


SORTS = ("relevance", "title", "modified")
FACET_NAMES = (
    "publisher",
    "country",
    "theme",
    "keyword",
    "format",
    "licence",
    "classification",
    "year",
)
KEYWORD_FACET_SIZE = 30  # the most used keywords of the result; a selected one is always shown


def _filtered(user: Any, filters: DatasetFilters, *, skip: str = "") -> QuerySet[Dataset]:
    qs = dataset_visible(user)
    if filters.q:
        # Folded, stemmed French and English terms (search.py): the same on both databases.
        # matched by the database's full-text index (search.match_clause).
        terms = search.query_terms(filters.q)
        if terms:
            sql, params = search.match_clause(connection.vendor, terms)
            # SQL from constants, the query as a bound parameter of folded words only.
            qs = qs.filter(RawSQL(sql, params, output_field=BooleanField()))  # noqa: S611
    if filters.publisher and skip != "publisher":
        if filters.publisher == "association":
            qs = qs.filter(publisher__isnull=True)
        else:
            qs = qs.filter(publisher__slug=filters.publisher)
    if filters.country and skip != "country":
        qs = qs.filter(publisher__country=filters.country.upper())
    if filters.theme and skip != "theme":
        qs = qs.filter(themes__code=filters.theme)
    if filters.format and skip != "format":
        qs = qs.filter(distributions__format=filters.format)
    if filters.licence and skip != "licence":
        qs = qs.filter(licence=filters.licence)
    if filters.classification and skip != "classification":
        qs = qs.filter(classification=filters.classification)
    if filters.keyword and skip != "keyword":
        qs = qs.filter(keyword_tags__key=search.fold(filters.keyword))
    if filters.year and skip != "year" and filters.year.isdigit():
        qs = qs.filter(issued__year=int(filters.year))
    return qs


def dataset_search(user: Any, filters: DatasetFilters) -> QuerySet[Dataset]:
    """The matching datasets, with what a result row shows, in a constant number of queries."""
    ids = _filtered(user, filters).values("pk")
    qs = (
        Dataset.objects.filter(pk__in=ids)
        .select_related("publisher")
        .prefetch_related(
            "themes",
            Prefetch(
                "distributions", queryset=Distribution.objects.only("pk", "dataset_id", "format")
            ),
        )
    )
    if filters.sort == "title":
        lang, other = ("en", "fr") if _lang() == "en" else ("fr", "en")
        shown = Coalesce(NullIf(F(f"title_{lang}"), Value("")), F(f"title_{other}"))
        return qs.order_by(Lower(shown), "pk")
    terms = search.query_terms(filters.q) if filters.q else []
    if filters.sort == "modified" or not terms:
        return qs.order_by("-modified", "pk")
    # Relevance: the query words found in the title first, then the most recently modified.
    hits = [
        Case(
            When(
                reduce(or_, [Q(search_title__contains=f" {t} ") for t in word_terms]),
                then=Value(1),
            ),
            default=Value(0),
            output_field=IntegerField(),
        )
        for word_terms in terms
    ]
    return qs.annotate(title_hits=reduce(add, hits)).order_by("-title_hits", "-modified", "pk")


@dataclass
class Facet:
    name: str
    label: str
    options: list[dict[str, Any]] = field(default_factory=list)


def dataset_facets(user: Any, filters: DatasetFilters) -> dict[str, list[dict[str, Any]]]:
    """Counts per value for each facet, one query each (eight in all, whatever the size)."""
    lang = _lang()
    out: dict[str, list[dict[str, Any]]] = {}
    # Counting a facet ignores its own filter, so that the other values stay selectable.
    base = {name: _filtered(user, filters, skip=name).order_by() for name in FACET_NAMES}

    rows = base["publisher"].values("publisher__slug", f"publisher__name_{lang}", "publisher__name")
    rows = rows.annotate(n=Count("pk", distinct=True)).order_by("-n", "publisher__slug")
    out["publisher"] = [
        {
            "value": r["publisher__slug"] or "association",
            "label": r[f"publisher__name_{lang}"] or r["publisher__name"] or _association_label(),
            "count": r["n"],
        }
        for r in rows
    ]
    rows = (
        base["country"]
        .exclude(publisher__isnull=True)
        .values("publisher__country")
        .annotate(n=Count("pk", distinct=True))
        .order_by("-n", "publisher__country")
    )
    out["country"] = [
        {
            "value": r["publisher__country"],
            "label": country_names.name(r["publisher__country"]),
            "count": r["n"],
        }
        for r in rows
    ]
    themes = dict(DataTheme.choices)
    rows = (
        base["theme"]
        .filter(themes__isnull=False)
        .values("themes__code")
        .annotate(n=Count("pk", distinct=True))
        .order_by("-n", "themes__code")
    )
    out["theme"] = [
        {"value": r["themes__code"], "label": str(themes[r["themes__code"]]), "count": r["n"]}
        for r in rows
    ]
    # Keywords: counted on the result the other filters give, in one query; labels in the
    # reader's language, else the other one.
    other = "en" if lang == "fr" else "fr"
    rows = (
        base["keyword"]
        .filter(keyword_tags__isnull=False)
        .values("keyword_tags__key", f"keyword_tags__label_{lang}", f"keyword_tags__label_{other}")
        .annotate(n=Count("pk", distinct=True))
        .order_by("-n", "keyword_tags__key")
    )
    found = list(rows[:KEYWORD_FACET_SIZE])
    selected = search.fold(filters.keyword) if filters.keyword else ""
    if selected and all(r["keyword_tags__key"] != selected for r in found):
        found += list(rows.filter(keyword_tags__key=selected))  # one more query, at most
    out["keyword"] = [
        {
            "value": r["keyword_tags__key"],
            "label": r[f"keyword_tags__label_{lang}"]
            or r[f"keyword_tags__label_{other}"]
            or r["keyword_tags__key"],
            "count": r["n"],
        }
        for r in found
    ]
    formats = dict(DistributionFormat.choices)
    rows = (
        base["format"]
        .filter(distributions__isnull=False)
        .values("distributions__format")
        .annotate(n=Count("pk", distinct=True))
        .order_by("-n", "distributions__format")
    )
    out["format"] = [
        {
            "value": r["distributions__format"],
            "label": str(formats.get(r["distributions__format"], r["distributions__format"])),
            "count": r["n"],
        }
        for r in rows
    ]
    licences = dict(Licence.choices)
    rows = base["licence"].values("licence").annotate(n=Count("pk")).order_by("-n", "licence")
    out["licence"] = [
        {"value": r["licence"], "label": str(licences[r["licence"]]), "count": r["n"]} for r in rows
    ]
    classes = dict(Classification.choices)
    rows = (
        base["classification"]
        .values("classification")
        .annotate(n=Count("pk"))
        .order_by("-n", "classification")
    )
    out["classification"] = [
        {"value": r["classification"], "label": str(classes[r["classification"]]), "count": r["n"]}
        for r in rows
    ]
    rows = (
        base["year"]
        .annotate(year=ExtractYear("issued"))
        .values("year")
        .annotate(n=Count("pk", distinct=True))
        .order_by("-year")
    )
    out["year"] = [
        {"value": str(r["year"]), "label": str(r["year"]), "count": r["n"]} for r in rows
    ]
    return out


def _association_label() -> str:
    from django.utils.translation import gettext

    return gettext("The association")


def dataset_detail(user: Any, slug: str) -> Dataset | None:
    """The dataset if `user` may see it (None otherwise: pages answer 404, not 403)."""
    return (
        dataset_visible(user)
        .select_related("publisher", "steward", "spatial_local_government")
        .prefetch_related(
            "themes",
            Prefetch("distributions", Distribution.objects.select_related("dictionary")),
            "distributions__dictionary__columns",
            "keyword_tags",
        )
        .filter(slug=slug)
        .first()
    )


def dataset_for_export(user: Any) -> QuerySet[Dataset]:
    """Every dataset the viewer may see, shaped for the DCAT-AP writers (streamed in chunks)."""
    return (
        dataset_visible(user)
        .select_related("publisher")
        .prefetch_related(
            "themes",
            # The dictionary (one JOIN): a file that has one says so with dct:conformsTo.
            Prefetch("distributions", Distribution.objects.select_related("dictionary")),
            "keyword_tags",
        )
        .order_by("pk")
    )


def dataset_export_stream(user: Any, batch: int = 500) -> Iterator[Dataset]:
    """Every dataset the viewer may see, fetched in keyset batches: memory stays flat whatever
    the size and the database (SQLite would otherwise read the whole result at once)."""
    base = dataset_for_export(user)
    last = 0
    while True:
        rows = list(base.filter(pk__gt=last)[:batch])
        if not rows:
            return
        last = rows[-1].pk
        yield from rows
        # Prefetched children point back to their dataset: each batch is a reference cycle
        # that only the collector frees; free it now rather than let batches pile up.
        del rows
        gc.collect()


PREVIEW_ROWS = 20
PREVIEW_BYTES = 256 * 1024


def _csv_head(distribution: Distribution) -> tuple[str, list[list[str]]] | None:
    """The delimiter and the first rows (header first) of an uploaded CSV file."""
    if not distribution.file or distribution.format != DistributionFormat.CSV:
        return None
    try:
        with distribution.file.open("rb") as handle:
            head = handle.read(PREVIEW_BYTES)
    except OSError:
        return None
    text = head.decode("utf-8-sig", errors="replace")
    if len(head) == PREVIEW_BYTES and "\n" in text:
        text = text[: text.rindex("\n")]  # drop the last partial line
    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect=dialect)
    rows = [row for _, row in zip(range(PREVIEW_ROWS + 1), reader, strict=False)]
    if not rows:
        return None
    return dialect.delimiter, rows


def csv_preview(distribution: Distribution) -> dict[str, Any] | None:
    """First rows, columns and a guessed type per column of an uploaded CSV file."""
    head = _csv_head(distribution)
    if head is None:
        return None
    header, body = head[1][0], head[1][1:]
    columns = []
    for i, name in enumerate(header):
        values = [r[i] for r in body if i < len(r) and r[i].strip()]
        columns.append({"name": name, "type": _guess_type(values)})
    return {"columns": columns, "rows": body}


def csv_columns_inferred(distribution: Distribution) -> tuple[str, list[dict[str, str]]] | None:
    """The delimiter and, per column of the file's header, its name and a CSVW datatype guessed
    from the first rows: the draft of a data dictionary (None for anything but a CSV file)."""
    head = _csv_head(distribution)
    if head is None:
        return None
    delimiter, rows = head
    header, body = rows[0], rows[1:]
    columns: list[dict[str, str]] = []
    seen: set[str] = set()
    for i, raw in enumerate(header):
        name = raw.strip()[:200] or f"column_{i + 1}"
        while name in seen:  # a dictionary names each column once
            name = f"{name}_{i + 1}"[:200]
        seen.add(name)
        values = [r[i].strip() for r in body if i < len(r) and r[i].strip()]
        columns.append({"name": name, "datatype": infer_column_type(values)})
    return delimiter, columns


def dictionary_draft(
    distribution: Distribution, dictionary: Any
) -> tuple[list[dict[str, str]], dict[str, list[str]]] | None:
    """What the dictionary form starts from: the saved columns, or the file's header when
    there are none; when the file was replaced and its header changed, the file's columns in
    its order, each keeping its saved description, with the names `added` and `removed`."""
    inferred = csv_columns_inferred(distribution)
    saved = (
        [
            {
                "name": c.name,
                "datatype": c.datatype,
                "unit": c.unit,
                "description_fr": c.description_fr or "",
                "description_en": c.description_en or "",
            }
            for c in dictionary.columns.all()
        ]
        if dictionary is not None
        else []
    )
    if inferred is None:
        return (saved, {}) if saved else None
    if not saved:
        return inferred[1], {}
    header = [c["name"] for c in inferred[1]]
    names = [c["name"] for c in saved]
    if header == names:
        return saved, {}
    by_name = {c["name"]: c for c in saved}
    merged = [by_name.get(c["name"], c) for c in inferred[1]]
    changes = {
        "added": [n for n in header if n not in by_name],
        "removed": [n for n in names if n not in header],
    }
    return merged, changes


def infer_column_type(values: list[str]) -> str:
    """The narrowest CSVW datatype every value fits ("string" when there is none)."""

    def all_match(fn: Any) -> bool:
        for v in values:
            try:
                fn(v)
            except ValueError:
                return False
        return True

    if not values:
        return ColumnType.STRING
    if all_match(int):
        return ColumnType.INTEGER
    if all_match(lambda v: float(v.replace(",", "."))):
        return ColumnType.NUMBER
    if all_match(dt.date.fromisoformat):
        return ColumnType.DATE
    if all(v.lower() in BOOLEAN_WORDS for v in values):
        return ColumnType.BOOLEAN
    return ColumnType.STRING


BOOLEAN_WORDS = {"true", "false", "oui", "non", "yes", "no", "vrai", "faux"}


def _guess_type(values: list[str]) -> str:
    from django.utils.translation import gettext

    if not values:
        return gettext("empty")

    def all_match(fn: Any) -> bool:
        for v in values:
            try:
                fn(v)
            except ValueError:
                return False
        return True

    if all_match(int):
        return gettext("integer")
    if all_match(lambda v: float(v.replace(",", "."))):
        return gettext("decimal")
    if all_match(dt.date.fromisoformat):
        return gettext("date")
    return gettext("text")


def access_requests_to_decide(user: Any) -> QuerySet[AccessRequest]:
    """Pending requests on datasets whose steward is `user`, or that `user` manages without a steward."""
    if not getattr(user, "is_authenticated", False):
        return AccessRequest.objects.none()
    q = Q(dataset__steward=user)
    if has_role(user, RoleCode.SECRETARIAT, RoleCode.ADMINISTRATOR):
        q |= Q(dataset__steward__isnull=True)
    else:
        focal = scoped_local_government_ids(user, RoleCode.FOCAL_POINT)
        if focal:
            q |= Q(dataset__steward__isnull=True, dataset__publisher_id__in=focal)
    return (
        AccessRequest.objects.filter(q, status=AccessRequestStatus.PENDING)
        .select_related("dataset", "requester", "dataset__publisher")
        .order_by("created_at", "pk")
    )


def access_requests_of(user: Any) -> QuerySet[AccessRequest]:
    if not getattr(user, "is_authenticated", False):
        return AccessRequest.objects.none()
    return (
        AccessRequest.objects.filter(requester=user)
        .select_related("dataset", "dataset__publisher")
        .order_by("-created_at", "pk")
    )


def processing_records(
    controller: LocalGovernment | None, *, association: bool = False
) -> QuerySet[ProcessingRecord]:
    qs = ProcessingRecord.objects.select_related("controller").prefetch_related(
        Prefetch(
            "datasets",
            queryset=Dataset.objects.only(
                "pk", "slug", "title", "title_fr", "title_en", "publisher_id"
            ).order_by("slug"),
        )
    )
    if association:
        return qs.filter(controller__isnull=True)
    if controller is not None:
        return qs.filter(controller=controller)
    return qs


def register_controllers() -> list[dict[str, Any]]:
    rows = (
        ProcessingRecord.objects.values(
            "controller__slug", f"controller__name_{_lang()}", "controller__name"
        )
        .annotate(n=Count("pk"))
        .order_by("controller__name")
    )
    return [
        {
            "slug": r["controller__slug"] or "association",
            "name": r[f"controller__name_{_lang()}"]
            or r["controller__name"]
            or _association_label(),
            "count": r["n"],
        }
        for r in rows
    ]


def current_roadmap() -> Roadmap | None:
    return (
        Roadmap.objects.select_related("adopted_at")
        .prefetch_related(
            Prefetch("actions", queryset=RoadmapAction.objects.select_related("owner"))
        )
        .order_by("-adopted_on")
        .first()
    )


def action_status_counts(roadmap: Roadmap) -> list[tuple[str, int]]:
    from edile.datagov.models import ActionStatus

    labels = dict(ActionStatus.choices)
    rows = roadmap.actions.values("status").annotate(n=Count("pk")).order_by("status")
    return [(str(labels[r["status"]]), r["n"]) for r in rows]


def maturity_latest_by_city() -> list[dict[str, Any]]:
    """Each city's latest assessment and its average level, for the comparison chart."""
    lang = _lang()
    assessments = (
        MaturityAssessment.objects.select_related("local_government")
        .annotate(average=Avg("scores__level__value"))
        .order_by("local_government_id", "-assessed_on")
    )
    latest: dict[int, dict[str, Any]] = {}
    for a in assessments:
        if a.local_government_id not in latest:
            lg = a.local_government
            latest[a.local_government_id] = {
                "local_government": lg,
                "name": getattr(lg, f"name_{lang}") or lg.name,
                "assessed_on": a.assessed_on,
                "average": round(float(a.average or 0), 2),
                "is_fictional": a.is_fictional,
            }
    return sorted(latest.values(), key=lambda r: (-r["average"], r["name"]))


def maturity_history(local_government: LocalGovernment) -> dict[str, Any]:
    """A city's assessments over time: averages per date and levels per dimension."""
    dimensions = list(MaturityDimension.objects.order_by("order"))
    assessments = list(
        MaturityAssessment.objects.filter(local_government=local_government)
        .prefetch_related(
            Prefetch("scores", queryset=MaturityScore.objects.select_related("level"))
        )
        .order_by("assessed_on")
    )
    table = []
    for a in assessments:
        by_dim = {s.dimension_id: s.level.value for s in a.scores.all()}
        values = [by_dim.get(d.pk) for d in dimensions]
        present = [v for v in values if v is not None]
        table.append(
            {
                "assessment": a,
                "levels": values,
                "average": round(sum(present) / len(present), 2) if present else 0,
            }
        )
    latest = assessments[-1] if assessments else None
    evidence = []
    if latest is not None:
        by_dim = {s.dimension_id: s for s in latest.scores.all()}
        evidence = [
            (d, by_dim[d.pk].level.value, by_dim[d.pk].evidence)
            for d in dimensions
            if d.pk in by_dim and by_dim[d.pk].evidence
        ]
    return {"dimensions": dimensions, "rows": table, "latest": latest, "evidence": evidence}


def themes() -> QuerySet[Theme]:
    return Theme.objects.order_by("code")


def harvest_sources_for(user: Any) -> QuerySet[HarvestSource]:
    """The harvest sources of the cities `user` may harvest for (all of them for staff)."""
    qs = HarvestSource.objects.select_related("publisher")
    if has_role(user, RoleCode.SECRETARIAT, RoleCode.ADMINISTRATOR):
        return qs
    return qs.filter(publisher_id__in=scoped_local_government_ids(user, RoleCode.FOCAL_POINT))


def current_accesses(dataset: Dataset, today: dt.date | None = None) -> QuerySet[AccessRequest]:
    """The live accesses to `dataset` (approved, not lapsed, not revoked), soonest to end first."""
    return (
        AccessRequest.objects.filter(
            dataset=dataset,
            status=AccessRequestStatus.APPROVED,
            expires_on__gte=today or dt.date.today(),
        )
        .select_related("requester")
        .order_by("expires_on", "pk")
    )


def download_log(dataset: Dataset) -> QuerySet[DownloadLog]:
    """Every logged download of `dataset`, newest first (the steward's page filters it)."""
    return (
        DownloadLog.objects.filter(dataset=dataset)
        .select_related("user", "distribution", "access_request")
        .order_by("-at", "-pk")
    )

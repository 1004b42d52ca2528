"""Reads for the observatory, already filtered and redacted to what the viewer may see.

Every surface (pages, API, CSV, map, statistics, report, PDF) goes through `incident_visible`
for the rows and `incident_view` for the fields: one place decides what leaks, so nothing does.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Avg, Case, Count, Prefetch, Q, QuerySet, When
from django.db.models.functions import ExtractYear
from django.utils.text import capfirst
from django.utils.translation import get_language, gettext_lazy, pgettext
from django.utils.translation import gettext as _
from django_countries import countries

from edile.members.models import Gender
from edile.observatory.models import (
    LEVELS,
    OFFICE_SCOPE,
    Act,
    BenchmarkSnapshot,
    Confidentiality,
    Context,
    Criterion,
    Dimension,
    Impunity,
    Incident,
    IncidentResponse,
    IntakeReport,
    MotiveStatus,
    PerpetratorType,
    Pillar,
    ReportStatus,
    Score,
    ScoreStatus,
    VerificationStatus,
    Victim,
    VictimOffice,
    ViolationType,
)
from edile.observatory.permissions import CONFIDENTIAL, PUBLIC, RESTRICTED, viewer_level

# Public figures below this are shown as "< 3" (docs/decisions/observatory-small-counts.md).
SUPPRESSION_THRESHOLD = 3
# Public positions are rounded to this many decimals (0 = whole degrees, about 100 km).
PUBLIC_MAP_DECIMALS = 0
# A public incident whose place is public shows coordinates rounded to 1 decimal (~11 km).
PUBLIC_POINT_DECIMALS = 1


def level_of(part_level: str) -> int:
    return LEVELS[Confidentiality(part_level)]


# ---- Incidents -----------------------------------------------------------------------------


@dataclass
class IncidentFilters:
    q: str = ""
    country: str = ""
    year: int | None = None
    violation: str = ""
    status: str = ""


def incident_visible(user: Any) -> QuerySet[Incident]:
    """The incidents `user` may know exist: analysts all, others published at their level."""
    return incident_visible_at(viewer_level(user))


def incident_visible_at(level: int) -> QuerySet[Incident]:
    """The incidents every viewer of `level` may know exist (the same for all of them)."""
    # A record merged into another is no longer an incident of its own (see `duplicates`).
    queryset = Incident.objects.filter(merged_into__isnull=True)
    if level >= CONFIDENTIAL:
        return queryset
    allowed = [c for c, lvl in LEVELS.items() if lvl <= level]
    return queryset.filter(is_published=True, confidentiality__in=allowed)


def incident_may_be_seen(user: Any, incident: Incident) -> bool:
    """Whether `user` may know that `incident` exists (the rule of `incident_visible`)."""
    return incident_visible(user).filter(pk=incident.pk).exists()


def _search(queryset: QuerySet[Incident], q: str, level: int) -> QuerySet[Incident]:
    # Only fields the viewer may read are searched: a match must never reveal hidden text.
    condition = (
        Q(title_fr__icontains=q)
        | Q(title_en__icontains=q)
        | Q(summary_fr__icontains=q)
        | Q(summary_en__icontains=q)
        | Q(region__icontains=q)
        | Q(reference__iexact=q)
    )
    allowed = [c for c, lvl in LEVELS.items() if lvl <= level]
    condition |= Q(place__icontains=q, location_confidentiality__in=allowed)
    condition |= Q(victims__name__icontains=q, victims__identity_confidentiality__in=allowed)
    return queryset.filter(condition).distinct()


def incident_list(user: Any, filters: IncidentFilters | None = None) -> QuerySet[Incident]:
    filters = filters or IncidentFilters()
    level = viewer_level(user)
    queryset = incident_visible(user)
    if filters.country:
        queryset = queryset.filter(country=filters.country.upper())
    if filters.year:
        queryset = queryset.filter(date_start__year=filters.year)
    if filters.violation:
        # A subquery, not a join + DISTINCT: the count stays fast on large inventories.
        queryset = queryset.filter(
            pk__in=Act.objects.filter(violation_types__code=filters.violation).values("incident_id")
        )
    if filters.status and level >= CONFIDENTIAL:
        queryset = queryset.filter(verification_status=filters.status)
    if filters.q:
        queryset = _search(queryset, filters.q.strip(), level)
    return (
        queryset.select_related("local_government")
        .prefetch_related(
            "victims__local_government",
            "victims__person",
            Prefetch(
                "acts",
                queryset=Act.objects.prefetch_related("violation_types", "perpetrators", "victims"),
            ),
        )
        .order_by("-date_start", "-id")
    )


def incident_detail(user: Any, reference: str) -> Incident:
    """The incident, if the viewer may see it; Incident.DoesNotExist otherwise (same answer)."""
    return (
        incident_list(user)
        .prefetch_related("sources", "follow_ups", "witnesses")
        .get(reference=reference)
    )


def _round(value: Decimal | None, decimals: int) -> float | None:
    if value is None:
        return None
    quantum = Decimal(1).scaleb(-decimals)
    return float(Decimal(value).quantize(quantum, rounding=ROUND_HALF_UP))


def date_display(incident: Incident) -> str:
    from edile.core.formatting import format_date

    start = incident.date_start
    if incident.date_precision == "year":
        return str(start.year)
    if incident.date_precision == "month":
        return f"{start.month:02d}/{start.year}"
    if incident.date_precision == "range" and incident.date_end:
        return _("%(start)s to %(end)s") % {
            "start": format_date(start, fmt="medium"),
            "end": format_date(incident.date_end, fmt="medium"),
        }
    return format_date(start, fmt="medium")


LANGUAGE_LABELS = {"fr": gettext_lazy("in French"), "en": gettext_lazy("in English")}


def follow_up_text(follow_up: Any) -> dict[str, Any]:
    """A follow-up's text in the reader's language, else in the other one, with its language.

    `language` is the language the text is written in; `is_fallback` says it is not the
    reader's, so that pages mark it ("in French").
    """
    reader = "en" if (get_language() or "fr").startswith("en") else "fr"
    other = "fr" if reader == "en" else "en"
    own = (getattr(follow_up, f"description_{reader}", "") or "").strip()
    fallback = (getattr(follow_up, f"description_{other}", "") or "").strip()
    language = reader if own or not fallback else other
    return {
        "description": own or fallback,
        "description_fr": follow_up.description_fr or "",
        "description_en": follow_up.description_en or "",
        "language": language,
        "language_label": str(LANGUAGE_LABELS[language]),
        "is_fallback": language != reader,
    }


def incident_view(incident: Incident, level: int, *, full: bool = True) -> dict[str, Any]:
    """The incident as a viewer of `level` may see it, plus what confidential parts it shows.

    Hidden parts are left out, not blanked in a template: callers cannot leak what they
    never receive. `revealed` lists confidential parts shown (for the read log).
    """
    revealed: list[str] = []
    place_visible = level >= level_of(incident.location_confidentiality)
    if place_visible and level >= RESTRICTED:
        latitude = float(incident.latitude) if incident.latitude is not None else None
        longitude = float(incident.longitude) if incident.longitude is not None else None
        if level_of(incident.location_confidentiality) >= CONFIDENTIAL and incident.latitude:
            revealed.append("exact place")
    elif place_visible:
        # Even a public place is coarsened on public surfaces.
        latitude = _round(incident.latitude, PUBLIC_POINT_DECIMALS)
        longitude = _round(incident.longitude, PUBLIC_POINT_DECIMALS)
    else:
        latitude = longitude = None
    victims_by_id = {}
    victims = []
    for victim in incident.victims.all():
        identity_visible = level >= level_of(victim.identity_confidentiality)
        office = victim.get_office_display()
        item: dict[str, Any] = {
            "gender": victim.gender,
            "gender_label": victim.get_gender_display(),
            "office": victim.office,
            "office_label": office,
            "identity_visible": identity_visible,
        }
        if identity_visible:
            item["name"] = victim.display_name
            item["local_government"] = (
                victim.local_government.name if victim.local_government else ""
            )
            item["local_government_url"] = (
                victim.local_government.get_absolute_url() if victim.local_government else ""
            )
            item["person"] = str(victim.person) if victim.person_id else ""
            item["mandate"] = victim.mandate
            item["label"] = victim.display_name
            if level_of(victim.identity_confidentiality) >= CONFIDENTIAL:
                revealed.append("victim identity")
        else:
            item["name"] = None
            item["local_government"] = ""
            item["local_government_url"] = ""
            item["person"] = ""
            item["mandate"] = ""
            item["label"] = _("%(office)s (identity withheld), %(region)s") % {
                "office": office,
                "region": incident.region or incident.country.name,
            }
        if level >= CONFIDENTIAL and full:
            item["contact"] = victim.contact
            if victim.contact:
                revealed.append("victim contact")
        victims_by_id[victim.pk] = len(victims)
        victims.append(item)
    acts = []
    violation_codes: dict[str, str] = {}
    perpetrator_types: dict[str, str] = {}
    for act in incident.acts.all():
        types = [(v.code, v.label) for v in act.violation_types.all()]
        violation_codes.update(types)
        perpetrators = []
        for p in act.perpetrators.all():
            perpetrator_types[p.perpetrator_type] = p.get_perpetrator_type_display()
            perpetrators.append(
                {
                    "type": p.perpetrator_type,
                    "label": p.get_perpetrator_type_display(),
                    "description": p.description if level >= RESTRICTED else "",
                }
            )
        acts.append(
            {
                "violations": [{"code": c, "label": label} for c, label in types],
                "victims": [
                    victims[victims_by_id[v.pk]]["label"]
                    for v in act.victims.all()
                    if v.pk in victims_by_id
                ],
                "perpetrators": perpetrators,
                "description": act.description if level >= RESTRICTED else "",
            }
        )
    data: dict[str, Any] = {
        "reference": incident.reference,
        "url": incident.get_absolute_url(),
        "title": incident.title,
        "title_fr": incident.title_fr,
        "title_en": incident.title_en,
        "summary": incident.summary,
        "summary_fr": incident.summary_fr,
        "summary_en": incident.summary_en,
        "date": incident.date_start,
        "date_end": incident.date_end,
        "date_precision": incident.date_precision,
        "date_display": date_display(incident),
        "country": incident.country.code,
        "country_name": incident.country.name,
        "region": incident.region,
        "place": incident.place if place_visible else "",
        "place_precision": incident.place_precision,
        "latitude": latitude,
        "longitude": longitude,
        "violations": [{"code": c, "label": label} for c, label in violation_codes.items()],
        "perpetrator_types": [
            {"code": c, "label": label} for c, label in perpetrator_types.items()
        ],
        "context": incident.context,
        "context_label": incident.get_context_display(),
        "killed": incident.killed,
        "injured": incident.injured,
        "motive": incident.motive,
        "motive_label": incident.get_motive_display(),
        "verification_status": incident.verification_status,
        "verification_label": incident.get_verification_status_display(),
        "outcome": incident.outcome,
        "outcome_label": incident.get_outcome_display(),
        "impunity": incident.impunity,
        "impunity_label": incident.get_impunity_display() if incident.impunity else "",
        "confidentiality": incident.confidentiality,
        "is_published": incident.is_published,
        "is_fictional": incident.is_fictional,
        "victims": victims,
        "acts": acts,
    }
    if full:
        data["sources"] = [
            {
                "type": s.source_type,
                "type_label": s.get_source_type_display(),
                "title": s.title,
                "url": s.url,
                "document": s.document,
                "date": s.published_on,
                "reliability": s.reliability,
                "credibility": s.credibility,
            }
            for s in incident.sources.all()
            if level >= level_of(s.confidentiality)
        ]
        data["follow_ups"] = [
            {
                "kind": f.kind,
                "kind_label": f.get_kind_display(),
                "date": f.date,
                **follow_up_text(f),
                "url": f.url,
            }
            for f in incident.follow_ups.all()
            if level >= level_of(f.confidentiality)
        ]
        if level >= CONFIDENTIAL:
            data["witnesses"] = [
                {"name": w.name, "contact": w.contact, "statement": w.statement}
                for w in incident.witnesses.all()
            ]
            data["private_notes"] = incident.private_notes
            if data["witnesses"]:
                revealed.append("witnesses")
            if incident.private_notes:
                revealed.append("private notes")
    data["revealed"] = sorted(set(revealed))
    return data


# ---- Responses: resolutions and grant projects --------------------------------------------

RESPONSE_MATCHES = 10


def incident_responses(incident: Incident, user: Any) -> list[dict[str, Any]]:
    """The resolutions and grant projects linked to `incident` that `user` may see.

    The caller has already checked that `user` may see the incident. A resolution is shown
    when governance shows it to `user` (a draft only to its staff); a project while it is a
    funded project with a public page.
    """
    from edile.governance.selectors import resolution_list
    from edile.grants.selectors import projects

    links = list(incident.responses.select_related("resolution", "project"))
    resolution_ids = [r.resolution_id for r in links if r.resolution_id]
    project_ids = [r.project_id for r in links if r.project_id]
    shown_resolutions = (
        set(
            resolution_list(user)
            .prefetch_related(None)
            .filter(pk__in=resolution_ids)
            .values_list("pk", flat=True)
        )
        if resolution_ids
        else set()
    )
    shown_projects = (
        set(projects().filter(pk__in=project_ids).values_list("pk", flat=True))
        if project_ids
        else set()
    )
    rows: list[dict[str, Any]] = []
    for link in links:
        if link.resolution_id in shown_resolutions:
            resolution = link.resolution
            rows.append(
                {
                    "kind": "resolution",
                    "kind_label": _("Resolution"),
                    "label": str(resolution),
                    "url": resolution.get_absolute_url(),
                    "target_id": resolution.pk,
                }
            )
        elif link.project_id in shown_projects:
            project = link.project
            rows.append(
                {
                    "kind": "project",
                    "kind_label": _("Grant project"),
                    "label": project.title,
                    "url": project.get_public_url(),
                    "target_id": project.pk,
                }
            )
    return rows


def responding_incidents(
    user: Any, *, resolution: Any = None, project: Any = None
) -> list[dict[str, Any]]:
    """The incidents a resolution or a grant project responds to, as `user` may see them.

    Only incidents `user` may know exist (`incident_visible`: the public sees published
    public incidents, members up to restricted, analysts all), and only the fields every
    such reader sees on the incident page: reference, title, date, country. An incident
    hidden from `user` is not counted, named or hinted at. One query.
    """
    queryset = incident_visible(user)
    if resolution is not None:
        queryset = queryset.filter(responses__resolution=resolution)
    elif project is not None:
        queryset = queryset.filter(responses__project=project)
    else:
        return []
    is_analyst = viewer_level(user) >= CONFIDENTIAL
    rows = []
    for incident in queryset.order_by("-date_start", "-id"):
        row: dict[str, Any] = {
            "reference": incident.reference,
            "title": incident.title,
            "url": incident.get_absolute_url(),
            "date_display": date_display(incident),
            "country_name": incident.country.name,
            "is_fictional": incident.is_fictional,
        }
        if is_analyst:
            # Analysts also see what the others do not: say so on the page.
            row["is_published"] = incident.is_published
            row["confidentiality_label"] = incident.get_confidentiality_display()
        rows.append(row)
    return rows


def response_matches(q: str, user: Any) -> dict[str, list[Any]]:
    """Resolutions `user` may see and funded grant projects matching `q` (at most ten each),
    for the edit page's search (never a list of every record). Analysts only: the caller
    checks."""
    from edile.governance.selectors import ResolutionFilters, resolution_list
    from edile.grants.selectors import projects

    q = q.strip()
    if len(q) < 2:
        return {"resolutions": [], "projects": []}
    resolutions = resolution_list(user, ResolutionFilters(q=q)).prefetch_related(None)
    found_projects = projects().filter(
        Q(title_fr__icontains=q) | Q(title_en__icontains=q) | Q(reference__iexact=q)
    )
    return {
        "resolutions": list(resolutions[:RESPONSE_MATCHES]),
        "projects": list(found_projects[:RESPONSE_MATCHES]),
    }


# ---- Publication check ---------------------------------------------------------------------


def normalise_text(value: str) -> str:
    """Lower case, accents and punctuation removed: "Bafila-Nord" and "bafila nord" match."""
    decomposed = unicodedata.normalize("NFKD", value or "")
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    return " ".join(re.sub(r"[^0-9a-z]+", " ", plain).split())


HIDDEN_KINDS = {
    "place": gettext_lazy("a place"),
    "victim_name": gettext_lazy("a victim's name"),
    "witness_name": gettext_lazy("a witness's name"),
}


def _field_label(field: str) -> str:
    name, _sep, number = field.partition(":")
    labels = {
        "title_fr": _("The French title"),
        "title_en": _("The English title"),
        "summary_fr": _("The French summary"),
        "summary_en": _("The English summary"),
        "source_title": _("The title of source %(n)s"),
        "source_url": _("The link of source %(n)s"),
        "follow_up": _("Follow-up %(n)s"),
        "act": _("The description of act %(n)s"),
        "perpetrator": _("The perpetrator of act %(n)s"),
    }
    label = labels.get(name, name)
    return label % {"n": number} if number else label


@dataclass(frozen=True)
class PublicationProblem:
    """A text an audience will read that names a value hidden from that audience."""

    field: str  # "title_en", "summary_fr", "source_title:2", "follow_up:1", "act:1"…
    hidden: str  # a key of HIDDEN_KINDS
    audience: int  # PUBLIC or RESTRICTED

    def message(self) -> str:
        audience = _("the public") if self.audience == PUBLIC else _("observatory members")
        return _("%(field)s names %(hidden)s hidden from %(audience)s.") % {
            "field": _field_label(self.field),
            "hidden": HIDDEN_KINDS[self.hidden],
            "audience": audience,
        }

    def as_dict(self) -> dict[str, Any]:
        return {"field": self.field, "hidden": self.hidden, "audience": self.audience}


def _hidden_terms(incident: Incident, audience: int) -> list[tuple[str, str]]:
    """(kind, normalised text) of every value hidden from `audience` that a text could name.

    Whole values, and each word of four letters or more of a name or place (a surname alone
    identifies), except numbers and words the audience may see anyway (country, region).
    """
    seen = normalise_text(f"{incident.country.name} {incident.region}").split()
    terms: list[tuple[str, str]] = []

    def add(kind: str, value: str) -> None:
        text = normalise_text(value)
        if not text:
            return
        terms.append((kind, text))
        for word in text.split():
            if len(word) >= 4 and not word.isdigit() and word not in seen and word != text:
                terms.append((kind, word))

    if audience < level_of(incident.location_confidentiality):
        add("place", incident.place)
        if incident.local_government_id:
            add("place", incident.local_government.name)
    for victim in incident.victims.all():
        if audience < level_of(victim.identity_confidentiality):
            add("victim_name", victim.name)
            if victim.person_id:
                add("victim_name", str(victim.person))
            if victim.local_government_id:
                add("place", victim.local_government.name)
    for witness in incident.witnesses.all():
        add("witness_name", witness.name)
    return terms


def _public_texts(incident: Incident, audience: int) -> list[tuple[str, str]]:
    """(field code, text) of every text of the incident that `audience` will read."""
    texts = [
        ("title_fr", incident.title_fr or ""),
        ("title_en", incident.title_en or ""),
        ("summary_fr", incident.summary_fr or ""),
        ("summary_en", incident.summary_en or ""),
    ]
    for n, source in enumerate(incident.sources.all(), start=1):
        if audience >= level_of(source.confidentiality):
            texts.append((f"source_title:{n}", source.title))
            texts.append((f"source_url:{n}", source.url))
    for n, follow_up in enumerate(incident.follow_ups.all(), start=1):
        if audience >= level_of(follow_up.confidentiality):
            for name in ("description", "description_fr", "description_en"):
                value = getattr(follow_up, name, None)
                if value:
                    texts.append((f"follow_up:{n}", value))
    if audience >= RESTRICTED:
        for n, act in enumerate(incident.acts.all(), start=1):
            texts.append((f"act:{n}", act.description))
            for perpetrator in act.perpetrators.all():
                texts.append((f"perpetrator:{n}", perpetrator.description))
    return texts


def publication_problems(incident: Incident) -> list[PublicationProblem]:
    """What publishing `incident` would betray: hidden values named in texts its audiences read.

    Every audience that will see the incident once published is checked: the public when the
    incident is public, observatory members when it is public or restricted. A text already
    reported for the public is not reported again for members.
    """
    problems: list[PublicationProblem] = []
    found: set[tuple[str, str]] = set()
    audiences = [lvl for lvl in (PUBLIC, RESTRICTED) if lvl >= level_of(incident.confidentiality)]
    for audience in audiences:
        terms = _hidden_terms(incident, audience)
        if not terms:
            continue
        for field_code, text in _public_texts(incident, audience):
            padded = f" {normalise_text(text)} "
            for kind, term in terms:
                if f" {term} " in padded and (field_code, kind) not in found:
                    found.add((field_code, kind))
                    problems.append(PublicationProblem(field_code, kind, audience))
    return problems


def public_copy(incident: Incident) -> dict[str, Any]:
    """Exactly what each audience will get once `incident` is published, for the preview.

    The incident is read as if published (a preview may come before publication); each
    audience that will not see it at all is said so.
    """
    published = incident.is_published
    incident.is_published = True
    try:
        copies = {}
        for name, level in (("public", PUBLIC), ("partner", RESTRICTED)):
            if level >= level_of(incident.confidentiality):
                copies[name] = incident_view(incident, level)
                # Neither audience is governance's staff: both see the same responses.
                copies[name]["responses"] = incident_responses(incident, AnonymousUser())
            else:
                copies[name] = None
    finally:
        incident.is_published = published
    return copies


# ---- Intake and triage ---------------------------------------------------------------------


def report_queue(status: str = ReportStatus.NEW) -> QuerySet[IntakeReport]:
    return (
        IntakeReport.objects.filter(status=status)
        .select_related("submitted_by", "incident")
        .prefetch_related("violation_types")
        .order_by("created_at")
    )


def reports_submitted_by(user: Any) -> QuerySet[IntakeReport]:
    return (
        IntakeReport.objects.filter(submitted_by=user)
        .select_related("incident")
        .prefetch_related("violation_types")
        .order_by("-created_at")
    )


def report_duplicates(report: IntakeReport) -> list[Incident]:
    """Incidents that may be the same event (fuzzy names and places, dates by precision)."""
    from edile.observatory import duplicates

    return [i for i, _reasons in duplicates.candidates(duplicates.report_facts(report))]


def similar_incidents(
    *,
    date: dt.date,
    country: str,
    place: str = "",
    victim_name: str = "",
    date_precision: str = "day",
) -> list[Incident]:
    """Incidents that may be the same event as these facts (see `duplicates`)."""
    from edile.observatory import duplicates

    facts = duplicates.row_facts(
        {
            "country": country,
            "date": date,
            "date_precision": date_precision,
            "place": place,
            "victim_name": victim_name,
        }
    )
    return [i for i, _reasons in duplicates.candidates(facts)]


# ---- Statistics ----------------------------------------------------------------------------


@dataclass
class StatisticsFilters:
    unit: str = "incidents"
    year: int | None = None
    country: str = ""
    scope: str = ""


UNITS = ("incidents", "acts", "victims")


def _unit_label(unit: str) -> str:
    return {
        "incidents": _("incidents"),
        "acts": _("acts"),
        "victims": _("victims"),
    }[unit]


def hidden_cell_display() -> str:
    return str(pgettext("statistics cell", "hidden"))


def cell_out(count: int, hidden: bool) -> dict[str, Any]:
    """A published figure: the count, or null with `suppressed` when it must stay hidden."""
    return {
        "count": None if hidden else count,
        "suppressed": hidden,
        "display": hidden_cell_display() if hidden else str(count),
    }


def _scope_offices(scope: str) -> list[str]:
    return [office for office, s in OFFICE_SCOPE.items() if s == scope]


# Public figures are summaries (edile.core.summaries): computed by a background task after
# each write that changes them, read from their stored row by every viewer of a level.
STATISTICS_SUMMARY = "observatory.statistics"
POSITIONS_SUMMARY = "observatory.map-positions"


def statistics_cache_invalidate() -> None:
    """Called by every write that changes what is counted: public figures are recomputed
    once the write commits, in the background."""
    from edile.core.summaries import summary_refresh_later

    summary_refresh_later(STATISTICS_SUMMARY, POSITIONS_SUMMARY)


def statistics(user: Any, filters: StatisticsFilters | None = None) -> dict[str, Any]:
    """Counts by dimension in the chosen unit, small and subtractable counts hidden.

    Below the analysts' level every verified incident is counted (details stay hidden) and
    the figures are protected by `disclosure.protect`. Below the analysts' level the answer
    is the stored summary of that level (the same for every viewer of it; never a
    per-person answer), computed after the writes; analysts' figures are counted live.
    """
    return statistics_summary(user, filters)[0]


def statistics_summary(
    user: Any, filters: StatisticsFilters | None = None
) -> tuple[dict[str, Any], dt.datetime | None]:
    """`statistics` and when its figures were computed (None: counted live, for analysts)."""
    return _statistics_for(viewer_level(user), filters or StatisticsFilters())


def statistics_variant(filters: StatisticsFilters) -> str:
    unit = filters.unit if filters.unit in UNITS else "incidents"
    return (
        f"unit={unit}&year={filters.year or ''}"
        f"&country={filters.country.upper()}&scope={filters.scope}"
    )


def statistics_filters_of(variant: str) -> StatisticsFilters:
    parts = dict(part.split("=", 1) for part in variant.split("&")) if variant else {}
    return StatisticsFilters(
        unit=parts.get("unit") or "incidents",
        year=int(parts["year"]) if parts.get("year") else None,
        country=parts.get("country", ""),
        scope=parts.get("scope", ""),
    )


def _statistics_for(
    level: int, filters: StatisticsFilters
) -> tuple[dict[str, Any], dt.datetime | None]:
    if level >= CONFIDENTIAL:
        return _statistics(level, filters), None
    from edile.core.summaries import language_of, summary_get

    value = summary_get(
        STATISTICS_SUMMARY,
        variant=statistics_variant(filters),
        language=language_of(),
        audience=str(level),
    )
    return value.payload, value.computed_at


def statistics_compute(variant: str, audience: str) -> dict[str, Any]:
    """The summary's compute function: one level's figures, in the active language."""
    return _statistics(int(audience), statistics_filters_of(variant))


def _parent_hides_total(level: int, filters: StatisticsFilters) -> bool:
    """A filtered total is a cell of the table one filter coarser: hidden there, hidden here.

    Without this, `?year=2019` would print the 2019 cell that complementary suppression
    hid in the by-year table.
    """
    from dataclasses import replace

    if filters.year:
        parent = _statistics_for(level, replace(filters, year=None))[0]
        if any(r["key"] == filters.year and r["suppressed"] for r in parent["by_year"]):
            return True
    if filters.country:
        parent = _statistics_for(level, replace(filters, country=""))[0]
        code = filters.country.upper()
        if any(r["key"] == code and r["suppressed"] for r in parent["by_country"]):
            return True
    return False


# Which breakdowns put each unit in exactly one cell (a partition: cells add up to the total).
_PARTITIONS = {
    "incidents": {"year", "country", "region", "motive", "impunity", "context"},
    "acts": {"year", "country", "region", "motive", "impunity", "context"},
    "victims": {"year", "country", "region", "motive", "impunity", "context", "gender", "office"},
}


def _statistics(level: int, filters: StatisticsFilters) -> dict[str, Any]:
    from edile.observatory import disclosure

    unit = filters.unit if filters.unit in UNITS else "incidents"
    protected = level < CONFIDENTIAL
    if protected:
        # Every verified incident is counted; the reader can list only those they may see.
        population = Incident.objects.filter(
            verification_status=VerificationStatus.VERIFIED, merged_into__isnull=True
        )
    else:
        population = incident_visible_at(level)
    if filters.year:
        population = population.filter(date_start__year=filters.year)
    if filters.country:
        population = population.filter(country=filters.country.upper())
    offices = _scope_offices(filters.scope) if filters.scope else []
    if offices:
        population = population.filter(victims__office__in=offices).distinct()
    ids = population.values("pk")
    listed_ids = incident_visible_at(level).values("pk")

    # Prefixes from each unit's model to the incident and to the victims / acts; `multi` are
    # the paths that fan out (one row per victim or act), which need COUNT(DISTINCT).
    joined = False
    if unit == "incidents":
        base: QuerySet[Any] = Incident.objects.filter(pk__in=ids)
        inc, vic, act, multi = "", "victims__", "acts__", ("victims__", "acts__")
    elif unit == "acts":
        base = Act.objects.filter(incident__in=ids)
        inc, vic, act, multi = "incident__", "victims__", "", ("victims__",)
        if offices:
            base = base.filter(victims__office__in=offices)
            joined = True
    else:
        base = Victim.objects.filter(incident__in=ids)
        inc, vic, act, multi = "incident__", "", "acts__", ("acts__",)
        if offices:
            base = base.filter(office__in=offices)
    listed_base = base.filter(**{f"{inc}pk__in": listed_ids})

    def count_for(key: str) -> Count:
        return Count("pk", distinct=joined or key.startswith(multi))

    def counts(queryset: QuerySet[Any], keys: list[str], annotate: dict | None = None) -> dict:
        rows = queryset
        if annotate:
            rows = rows.annotate(**annotate)
        rows = rows.values(*keys).annotate(n=count_for(keys[0])).order_by(*keys)
        return {tuple(r[k] for k in keys): r["n"] for r in rows}

    partitions = _PARTITIONS[unit]
    year_expr = {"year": ExtractYear(f"{inc}date_start")}
    specs: list[tuple[str, list[str], dict | None]] = [
        ("year", ["year"], year_expr),
        ("country", [f"{inc}country"], None),
        ("region", [f"{inc}country", f"{inc}region"], None),
        ("violation", [f"{act}violation_types__code"], None),
        ("perpetrator", [f"{act}perpetrators__perpetrator_type"], None),
        ("gender", [f"{vic}gender"], None),
        ("office", [f"{vic}office"], None),
        ("motive", [f"{inc}motive"], None),
        ("impunity", [f"{inc}impunity"], None),
        ("context", [f"{inc}context"], None),
    ]
    tables: list[disclosure.Table] = []
    for name, keys, annotate in specs:
        all_counts = counts(base, keys, annotate)
        listed_counts = counts(listed_base, keys, annotate) if protected else {}
        cells = [
            disclosure.Cell(key=key, count=n, listed=listed_counts.get(key, 0))
            for key, n in all_counts.items()
            if None not in key
        ]
        tables.append(disclosure.Table(name, cells, partition=name in partitions))
    total = base.aggregate(n=count_for(""))["n"]
    listed_total = listed_base.aggregate(n=count_for(""))["n"] if protected else total
    total_hidden = False
    if protected:
        total_hidden = disclosure.protect(
            tables,
            total=total,
            listed=listed_total,
            total_hidden=_parent_hides_total(level, filters),
        )

    country_names = dict(countries)
    labels: dict[str, dict[Any, str]] = {
        "violation": {v.code: v.label for v in ViolationType.objects.all()},
        "perpetrator": {k: str(v) for k, v in PerpetratorType.choices},
        "gender": {k: str(v) for k, v in Gender.choices},
        "office": {k: str(v) for k, v in VictimOffice.choices},
        "motive": {k: str(v) for k, v in MotiveStatus.choices},
        "impunity": {k: str(v) for k, v in Impunity.choices},
        "context": {k: str(v) for k, v in Context.choices},
    }
    not_recorded = str(_("region not recorded"))

    def label_of(name: str, key: tuple) -> str:
        if name == "year":
            return str(key[0])
        if name == "country":
            return str(country_names.get(key[0], key[0]))
        if name == "region":
            country_name = str(country_names.get(key[0], key[0]))
            return f"{key[1] or not_recorded}, {country_name}"
        return labels[name].get(key[0], str(key[0]))

    out: dict[str, list[dict[str, Any]]] = {}
    for table in tables:
        rows = []
        for cell in table.cells:
            key = cell.key
            row = {
                "key": f"{key[0]}:{key[1]}" if table.name == "region" else key[0],
                "label": label_of(table.name, key),
                **cell_out(cell.count, cell.hidden),
            }
            if table.name == "region":
                row["country"], row["region"] = key
            rows.append(row)
        out[table.name] = rows
    for name in ("country", "region"):
        # Hidden rows last, by name: their place in the order must not hint at their size.
        out[name].sort(key=lambda r: (r["count"] is None, -(r["count"] or 0), r["label"]))
    # Trend: the change from the previous year, only when both figures are shown.
    previous = None
    for row in out["year"]:
        row["change"] = (
            row["count"] - previous["count"]
            if previous
            and row["count"] is not None
            and previous["count"] is not None
            and previous["key"] == row["key"] - 1
            else None
        )
        previous = row
    return {
        "unit": unit,
        "unit_label": _unit_label(unit),
        "suppression_threshold": disclosure.THRESHOLD if protected else None,
        "counts_every_verified_incident": protected,
        "filters": {"year": filters.year, "country": filters.country, "scope": filters.scope},
        "total": cell_out(total, total_hidden),
        **{f"by_{name}": rows for name, rows in out.items()},
    }


def map_data(user: Any, *, by: str = "country", year: int | None = None) -> list[dict[str, Any]]:
    """Incidents counted per country (or region), with the statistics' own protection.

    Counts come from the statistics (the same cells, hidden the same way); positions are
    averaged only over incidents whose place the viewer may see, then rounded.
    """
    return map_data_summary(user, by=by, year=year)[0]


def map_data_summary(
    user: Any, *, by: str = "country", year: int | None = None
) -> tuple[list[dict[str, Any]], dt.datetime | None]:
    """`map_data` and when its figures were computed (the older of counts and positions;
    None when counted live, for analysts)."""
    level = viewer_level(user)
    stats, counted_at = _statistics_for(level, StatisticsFilters(year=year))
    rows = stats["by_country"] if by == "country" else stats["by_region"]
    positions, placed_at = _positions_for(level, by, year)
    result = []
    for row in rows:
        key = (row["country"], row["region"]) if by == "region" else (row["key"],)
        lat, lon = positions.get(key, (None, None))
        result.append(
            {
                "country": row["country"] if by == "region" else row["key"],
                "region": row["region"] if by == "region" else "",
                "label": row["label"],
                "count": row["count"],
                "suppressed": row["suppressed"],
                "display": row["display"],
                "lat": lat,
                "lon": lon,
            }
        )
    times = [t for t in (counted_at, placed_at) if t is not None]
    return result, min(times) if times else None


def _positions_for(
    level: int, by: str, year: int | None
) -> tuple[dict[tuple[str, ...], tuple[float | None, float | None]], dt.datetime | None]:
    if level >= CONFIDENTIAL:
        return _positions(level, by, year), None
    from edile.core.summaries import summary_get

    value = summary_get(
        POSITIONS_SUMMARY, variant=f"by={by}&year={year or ''}", audience=str(level)
    )
    # Stored as JSON rows [key…, lat, lon]: tuples become lists in JSON.
    return {tuple(row[:-2]): (row[-2], row[-1]) for row in value.payload}, value.computed_at


def positions_compute(variant: str, audience: str) -> list[list[Any]]:
    """The summary's compute function: one level's positions (no words: one language)."""
    parts = dict(part.split("=", 1) for part in variant.split("&"))
    year = int(parts["year"]) if parts.get("year") else None
    by = "region" if parts.get("by") == "region" else "country"
    return [[*key, lat, lon] for key, (lat, lon) in _positions(int(audience), by, year).items()]


def _positions(
    level: int, by: str, year: int | None
) -> dict[tuple[str, ...], tuple[float | None, float | None]]:
    """Average positions from the places the viewer may see (a hidden place never moves a
    marker)."""
    allowed = [c for c, lvl in LEVELS.items() if lvl <= level]
    incidents = incident_visible_at(level).filter(
        location_confidentiality__in=allowed, latitude__isnull=False, longitude__isnull=False
    )
    if year:
        incidents = incidents.filter(date_start__year=year)
    keys = ["country"] if by == "country" else ["country", "region"]
    rows = (
        incidents.values(*keys).annotate(lat=Avg("latitude"), lon=Avg("longitude")).order_by(*keys)
    )
    decimals = PUBLIC_MAP_DECIMALS if level == PUBLIC else 1
    return {
        tuple(row[k] for k in keys): (
            _round(Decimal(str(row["lat"])), decimals),
            _round(Decimal(str(row["lon"])), decimals),
        )
        for row in rows
    }


def key_figures(user: Any) -> dict[str, Any]:
    """The index page's figures: the statistics' protected total and its countries."""
    stats = statistics(user)
    return {
        "incidents": stats["total"],
        "countries": len(stats["by_country"]),
        "verified": stats["total"],
    }


def years_with_incidents(user: Any) -> list[int]:
    return sorted(
        {d.year for d in incident_visible(user).dates("date_start", "year")}, reverse=True
    )


# ---- Legal benchmark -----------------------------------------------------------------------


def pillars_with_criteria() -> list[Pillar]:
    return list(Pillar.objects.prefetch_related("criteria").order_by("order", "code"))


def benchmark_countries() -> list[str]:
    return sorted(set(Score.objects.values_list("country", flat=True)))


def _pillar_score(cells: list[tuple[Decimal, int]]) -> float | None:
    # N/A and unknown are counted as neither 0 nor 3: they are left out of the mean.
    total_weight = sum(w for w, _ in cells)
    if not cells or not total_weight:
        return None
    return round(float(sum(w * v for w, v in cells) / total_weight / 3 * 100), 1)


def _is_public(incident: Incident) -> bool:
    return bool(incident.is_published) and incident.confidentiality == Confidentiality.PUBLIC


def cited_incident_view(incident: Incident) -> dict[str, Any]:
    """An incident cited by a score: public fields only (reference, title, date, link)."""
    return {
        "reference": incident.reference,
        "title": incident.title,
        "date": date_display(incident),
        "url": incident.get_absolute_url(),
    }


def score_evidence(score: Score, level: int) -> dict[str, Any]:
    """The incidents a viewer of `level` may see among those `score` cites.

    The rest is neither listed nor counted, except for analysts, who are told how many of
    those they see are not public (`not_public`; None for everyone else)."""
    shown = list(getattr(score, "visible_incidents", []))
    return {
        "incidents": [cited_incident_view(i) | {"is_public": _is_public(i)} for i in shown],
        "not_public": (
            sum(1 for i in shown if not _is_public(i)) if level >= CONFIDENTIAL else None
        ),
    }


def benchmark(
    *,
    countries_filter: list[str] | None = None,
    weights: dict[str, Decimal] | None = None,
    level: int | None = None,
) -> dict[str, Any]:
    """Pillar scores (0–100) and weighted index per country and dimension, from the scores.

    With `level`, each de facto score carries the cited incidents a viewer of that level may
    see (`score.visible_incidents`, one query for all); without it, none."""
    pillars = pillars_with_criteria()
    weights = {p.code: (weights or {}).get(p.code, p.weight) for p in pillars}
    scores = Score.objects.select_related("criterion__pillar")
    if level is not None:
        scores = scores.prefetch_related(
            Prefetch(
                "incidents",
                queryset=incident_visible_at(level).order_by("date_start", "reference"),
                to_attr="visible_incidents",
            )
        )
    if countries_filter:
        scores = scores.filter(country__in=[c.upper() for c in countries_filter])
    by_country: dict[str, dict[str, Any]] = {}
    for score in scores:
        code = score.country.code
        entry = by_country.setdefault(
            code,
            {
                "country": code,
                "name": str(score.country.name),
                "cells": {},
                "scores": [],
                "is_fictional": False,
            },
        )
        entry["is_fictional"] = entry["is_fictional"] or score.is_fictional
        entry["scores"].append(score)
        if score.status == ScoreStatus.SCORED and score.value is not None:
            entry["cells"].setdefault((score.criterion.pillar.code, score.dimension), []).append(
                (score.criterion.weight, score.value)
            )
    verified = dict(
        Incident.objects.filter(
            is_published=True,
            confidentiality=Confidentiality.PUBLIC,
            verification_status=VerificationStatus.VERIFIED,
            country__in=list(by_country),
        )
        # order_by(): the model's default ordering would join the GROUP BY (one row per
        # incident, and dict() would keep the last: "Mexico: 1" for 29).
        .order_by()
        .values("country")
        .annotate(n=Count("pk"))
        .values_list("country", "n")
    )
    criteria_count = Criterion.objects.count()
    snapshots: dict[str, list[dict[str, Any]]] = {}
    for snapshot in BenchmarkSnapshot.objects.filter(country__in=list(by_country)).order_by("year"):
        snapshots.setdefault(snapshot.country.code, []).append(
            {
                "year": snapshot.year,
                "index_de_jure": snapshot.data.get("index_de_jure"),
                "index_de_facto": snapshot.data.get("index_de_facto"),
            }
        )
    result = []
    for code, entry in sorted(by_country.items(), key=lambda kv: kv[1]["name"]):
        pillar_rows = []
        index: dict[str, float | None] = {}
        for dimension in Dimension.values:
            weighted, total = Decimal(0), Decimal(0)
            for pillar in pillars:
                value = _pillar_score(entry["cells"].get((pillar.code, dimension), []))
                if value is not None and weights[pillar.code]:
                    weighted += Decimal(str(value)) * weights[pillar.code]
                    total += weights[pillar.code]
            index[dimension] = round(float(weighted / total), 1) if total else None
        for pillar in pillars:
            pillar_rows.append(
                {
                    "code": pillar.code,
                    "name": pillar.name,
                    "weight": weights[pillar.code],
                    "de_jure": _pillar_score(entry["cells"].get((pillar.code, "de_jure"), [])),
                    "de_facto": _pillar_score(entry["cells"].get((pillar.code, "de_facto"), [])),
                }
            )
        result.append(
            {
                "country": code,
                "name": entry["name"],
                "is_fictional": entry["is_fictional"],
                "pillars": pillar_rows,
                "index_de_jure": index["de_jure"],
                "index_de_facto": index["de_facto"],
                "verified_incidents": verified.get(code, 0),
                # Coverage: how many criteria are scored (not unknown, not N/A) of all.
                "coverage": {
                    dimension: {
                        "scored": sum(
                            1
                            for sc in entry["scores"]
                            if sc.dimension == dimension and sc.status == ScoreStatus.SCORED
                        ),
                        "criteria": criteria_count,
                    }
                    for dimension in Dimension.values
                },
                "history": snapshots.get(code, []),
                "scores": entry["scores"],
            }
        )
    return {
        "pillars": [
            {"code": p.code, "name": p.name, "weight": weights[p.code], "default_weight": p.weight}
            for p in pillars
        ],
        "countries": result,
    }


def criteria() -> list[Criterion]:
    return list(Criterion.objects.select_related("pillar"))


# History note of a score whose cited incidents changed: "cite:<reference>" or
# "uncite:<reference>" (written by `services.score_incident_change`).
SCORE_CITE, SCORE_UNCITE = "cite", "uncite"


def score_history(score: Score) -> list[Any]:
    """The last changes of a score, each with `note`: which incident it cited or stopped citing."""
    records = list(score.history.select_related("history_user")[:20])
    for record in records:
        kind, _sep, reference = (record.history_change_reason or "").partition(":")
        if kind == SCORE_CITE:
            record.note = _("Incident %(reference)s cited") % {"reference": reference}
        elif kind == SCORE_UNCITE:
            record.note = _("Incident %(reference)s no longer cited") % {"reference": reference}
        else:
            record.note = ""
    return records


def score_incident_choices(user: Any, score: Score, q: str) -> list[Incident]:
    """Incidents of the score's country matching `q` (reference or title) that `user` may see."""
    q = q.strip()[:100]
    if len(q) < 2:
        return []
    cited = score.incidents.values("pk")
    return list(
        incident_visible(user)
        .filter(country=score.country)
        .filter(Q(reference__icontains=q) | Q(title_fr__icontains=q) | Q(title_en__icontains=q))
        .exclude(pk__in=cited)
        .order_by("-date_start", "reference")[:20]
    )


# ---- Members registry --------------------------------------------------------------------

REGISTRY_MATCHES = 10


def registry_matches(q: str, *, country: str = "") -> dict[str, list[Any]]:
    """Persons and local governments of the registry whose name contains every word of `q`
    (at most ten each; the incident's country first). Analysts only: the caller checks."""
    from edile.members.models import LocalGovernment, Person

    words = q.split()[:5]
    if not words or len(q.strip()) < 2:
        return {"persons": [], "local_governments": []}
    persons = Person.objects.all()
    governments = LocalGovernment.objects.all()
    for word in words:
        persons = persons.filter(Q(given_name__icontains=word) | Q(family_name__icontains=word))
        governments = governments.filter(Q(name_fr__icontains=word) | Q(name_en__icontains=word))
    if country:
        same_country = Case(When(country=country.upper(), then=0), default=1)
        governments = governments.order_by(same_country, "name", "pk")
    return {
        "persons": list(persons.order_by("family_name", "given_name", "pk")[:REGISTRY_MATCHES]),
        "local_governments": list(governments[:REGISTRY_MATCHES]),
    }


# ---- History -------------------------------------------------------------------------------

# Bookkeeping, not facts: never listed as a change.
HISTORY_SKIPPED = ("version", "updated_at", "created_at", "id", "incident", "act")
# modeltranslation's original columns repeat `title_fr`/`title_en`: listed once, by language.
TRANSLATED_ORIGINALS = ("title", "summary")


def _history_value(field: Any, value: Any, names: dict[tuple[str, Any], str]) -> str:
    from edile.core.formatting import format_date

    if value in (None, ""):
        return "—"
    if field.is_relation:
        return names.get((field.related_model._meta.label_lower, value), str(value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, dt.datetime):
        return format_date(value.date(), fmt="medium")
    if isinstance(value, dt.date):
        return format_date(value, fmt="medium")
    if getattr(field, "choices", None):
        return str(dict(field.flatchoices).get(str(value), value))
    return str(value)


def _required_levels(model: type, old: Any, new: Any, current: Any) -> dict[str, int]:
    """The level a viewer needs to read each sensitive field of one change of `model`.

    The strictest of the record's level before, after and now: a value that was once
    confidential, or is now, stays hidden from whoever may not read it.
    """

    def strictest(attribute: str) -> int:
        values = [getattr(r, attribute, None) for r in (old, new, current) if r is not None]
        return max(level_of(v) for v in values if v)

    if model is Incident:
        place = strictest("location_confidentiality")
        return {
            "place": place,
            "latitude": place,
            "longitude": place,
            "local_government": place,
            "private_notes": CONFIDENTIAL,
        }
    if model is Victim:
        identity = strictest("identity_confidentiality")
        return {
            "name": identity,
            "person": identity,
            "local_government": identity,
            "mandate": identity,
        }
    if model.__name__ in ("Act", "Perpetrator"):
        # Their descriptions are for observatory members (as in `incident_view`).
        return {"description": RESTRICTED}
    return {}


def _record_level(model: type, records: list[Any], current: Any) -> int:
    """The level needed to know a child record exists at all (hidden sources, witnesses)."""
    from edile.observatory.models import FollowUp, Source, Witness

    if model is Witness:
        return CONFIDENTIAL
    if model in (Source, FollowUp):
        values = [r.confidentiality for r in [*records, current] if r is not None]
        return max(level_of(v) for v in values)
    return PUBLIC


def _response_target_names(groups: dict[int, list[Any]]) -> dict[int, str]:
    """What each response (current or removed) pointed to, named as every reader of the
    history may read it: a resolution unless it is a draft, a project while it is funded."""
    from edile.governance.models import Resolution, ResolutionState
    from edile.grants.selectors import projects

    last = {object_id: records[-1] for object_id, records in groups.items()}
    resolution_ids = {r.resolution_id for r in last.values() if r.resolution_id}
    project_ids = {r.project_id for r in last.values() if r.project_id}
    resolutions = {
        r.pk: str(r)
        for r in Resolution.objects.filter(pk__in=resolution_ids).exclude(
            state=ResolutionState.DRAFT
        )
    }
    found = {p.pk: p.title for p in projects().filter(pk__in=project_ids)} if project_ids else {}
    names = {}
    for object_id, record in last.items():
        if record.resolution_id:
            names[object_id] = _("resolution %(name)s") % {
                "name": resolutions.get(record.resolution_id, "—")
            }
        else:
            names[object_id] = _("grant project %(name)s") % {
                "name": found.get(record.project_id, "—")
            }
    return names


def incident_history(incident: Incident, level: int, *, limit: int = 100) -> list[dict[str, Any]]:
    """What changed in the incident and its parts (old → new), who and when, newest first.

    Values are shown by the viewer's level, as `incident_view` shows them: a value the viewer
    may not read (a hidden victim's name, a confidential place, private notes) is listed as
    "hidden value changed", never written; a text the viewer could read (a title) that names
    a value hidden from them is hidden too (the publication check's matcher); a source or
    follow-up above the viewer's level, and every witness below the analysts' level, is left
    out entirely, as on the incident page.
    """
    from edile.members.models import LocalGovernment, Person
    from edile.observatory.models import FollowUp, Perpetrator, Source, Witness

    act_ids = set(Act.history.filter(incident_id=incident.pk).values_list("id", flat=True))
    histories: list[tuple[type, Any]] = [
        (Incident, incident.history.all()),
        (Victim, Victim.history.filter(incident_id=incident.pk)),
        (Act, Act.history.filter(incident_id=incident.pk)),
        (Perpetrator, Perpetrator.history.filter(act_id__in=act_ids)),
        (Source, Source.history.filter(incident_id=incident.pk)),
        (FollowUp, FollowUp.history.filter(incident_id=incident.pk)),
        (Witness, Witness.history.filter(incident_id=incident.pk)),
        (IncidentResponse, IncidentResponse.history.filter(incident_id=incident.pk)),
    ]
    terms = [term for _kind, term in _hidden_terms(incident, level)] if level < CONFIDENTIAL else []
    by_model: dict[type, dict[int, list[Any]]] = {}
    lg_ids: set[Any] = set()
    person_ids: set[Any] = set()
    user_ids: set[Any] = set()
    for model, queryset in histories:
        groups: dict[int, list[Any]] = {}
        for record in queryset.select_related("history_user").order_by("history_date", "pk"):
            groups.setdefault(record.id, []).append(record)
            lg_ids.add(getattr(record, "local_government_id", None))
            person_ids.add(getattr(record, "person_id", None))
            user_ids.add(getattr(record, "status_changed_by_id", None))
        by_model[model] = groups
    names: dict[tuple[str, Any], str] = {}
    for lg in LocalGovernment.objects.filter(pk__in=lg_ids - {None}):
        names[("members.localgovernment", lg.pk)] = str(lg)
    for person in Person.objects.filter(pk__in=person_ids - {None}):
        names[("members.person", person.pk)] = str(person)
    from django.contrib.auth import get_user_model

    user_model = get_user_model()
    for user in user_model._default_manager.filter(pk__in=user_ids - {None}):
        names[(user_model._meta.label_lower, user.pk)] = str(getattr(user, "email", user))
    current = {
        Incident: {incident.pk: incident},
        Victim: {v.pk: v for v in Victim.objects.filter(incident=incident)},
        Act: {a.pk: a for a in Act.objects.filter(incident=incident)},
        Perpetrator: {p.pk: p for p in Perpetrator.objects.filter(act__incident=incident)},
        Source: {s.pk: s for s in Source.objects.filter(incident=incident)},
        FollowUp: {f.pk: f for f in FollowUp.objects.filter(incident=incident)},
        Witness: {w.pk: w for w in Witness.objects.filter(incident=incident)},
        IncidentResponse: {r.pk: r for r in IncidentResponse.objects.filter(incident=incident)},
    }
    response_targets = _response_target_names(by_model[IncidentResponse])

    def readable(text: str) -> bool:
        padded = f" {normalise_text(text)} "
        return not any(f" {term} " in padded for term in terms)

    lines: list[dict[str, Any]] = []
    for model, groups in by_model.items():
        label = capfirst(str(model._meta.verbose_name))
        for number, (object_id, records) in enumerate(sorted(groups.items()), start=1):
            now = current[model].get(object_id)
            if level < _record_level(model, records, now):
                continue
            what = label if model is Incident else f"{label} {number}"
            if model is IncidentResponse:
                what = f"{what} ({response_targets.get(object_id, '—')})"
            for record, previous in zip(records, [None, *records[:-1]], strict=False):
                changes = []
                if previous is not None and record.history_type == "~":
                    required = _required_levels(model, previous, record, now)
                    skipped = [
                        *HISTORY_SKIPPED,
                        *(TRANSLATED_ORIGINALS if model is Incident else ()),
                    ]
                    delta = record.diff_against(previous, excluded_fields=skipped)
                    for change in delta.changes:
                        field = model._meta.get_field(change.field)
                        old = _history_value(field, change.old, names)
                        new = _history_value(field, change.new, names)
                        hidden = level < required.get(change.field, PUBLIC) or not (
                            readable(old) and readable(new)
                        )
                        changes.append(
                            {
                                "field": str(field.verbose_name),
                                "old": "" if hidden else old,
                                "new": "" if hidden else new,
                                "hidden": hidden,
                            }
                        )
                    if not changes:
                        continue
                lines.append(
                    {
                        "date": record.history_date,
                        "user": getattr(record.history_user, "email", "") or "",
                        "what": what,
                        "type": {"+": "created", "-": "deleted"}.get(
                            record.history_type, "changed"
                        ),
                        "changes": changes,
                        "version": getattr(record, "version", None),
                        "status": record.get_verification_status_display()
                        if model is Incident
                        else "",
                    }
                )
    lines.sort(key=lambda line: line["date"], reverse=True)
    return lines[:limit]

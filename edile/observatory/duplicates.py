"""Possible duplicates: two records that may describe the same event.

Two records match when they are in the same country, their dates are close once each
date's precision is taken into account (a year-precision record covers its whole year),
and the victim's name or the place is similar: accents, case and punctuation are ignored,
initials match a first name ("M. Tshibanda" = "Mireille Tshibanda") and spelling variants
pass a similarity ratio (stdlib difflib). The tolerances are data (`DuplicateRule`).
Method: docs/decisions/observatory-duplicates.md.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from edile.observatory.models import (
    DatePrecision,
    DuplicateRule,
    Incident,
    IntakeReport,
    ReportStatus,
)

SAME_VICTIM = gettext_lazy("similar victim's name")
SAME_PLACE = gettext_lazy("similar place")


def _normal(value: str) -> str:
    from edile.observatory.selectors import normalise_text

    return normalise_text(value)


def _ratio(a: str, b: str) -> float:
    return SequenceMatcher(None, a, b).ratio()


def similar_place(a: str, b: str, threshold: float) -> bool:
    na, nb = _normal(a), _normal(b)
    if not na or not nb:
        return False
    return na == nb or _ratio(na, nb) >= threshold


def similar_name(a: str, b: str, threshold: float) -> bool:
    """Same person's name, tolerating accents, case, initials, order and spelling variants."""
    na, nb = _normal(a), _normal(b)
    if not na or not nb:
        return False
    if na == nb or _ratio(na, nb) >= threshold:
        return True
    ta, tb = na.split(), nb.split()
    if _ratio(" ".join(sorted(ta)), " ".join(sorted(tb))) >= threshold:
        return True
    # Surname (last word) alike, and every given name compatible: equal, an initial of it,
    # or alike. "M Tshibanda" / "Mireille Tshibanda"; "Tshibanda" / "Mireille Tshibanda".
    if len(ta[-1]) < 3 or len(tb[-1]) < 3 or _ratio(ta[-1], tb[-1]) < threshold:
        return False
    for ga, gb in zip(ta[:-1], tb[:-1], strict=False):
        if len(ga) == 1 or len(gb) == 1:
            if ga[0] != gb[0]:
                return False
        elif _ratio(ga, gb) < threshold:
            return False
    return True


def date_span(start: dt.date, end: dt.date | None, precision: str) -> tuple[dt.date, dt.date]:
    """The days a date may mean, given its precision."""
    if precision == DatePrecision.YEAR:
        return dt.date(start.year, 1, 1), dt.date(start.year, 12, 31)
    if precision == DatePrecision.MONTH:
        last = calendar.monthrange(start.year, start.month)[1]
        return start.replace(day=1), start.replace(day=last)
    if end and end >= start:
        return start, end
    return start, start


def days_apart(a: tuple[dt.date, dt.date], b: tuple[dt.date, dt.date]) -> int:
    """Days between two spans (0 when they overlap)."""
    if a[1] < b[0]:
        return (b[0] - a[1]).days
    if b[1] < a[0]:
        return (a[0] - b[1]).days
    return 0


@dataclass
class Facts:
    """What is compared of an incident or a report."""

    obj: Any
    country: str
    span: tuple[dt.date, dt.date]
    names: list[str] = field(default_factory=list)
    places: list[str] = field(default_factory=list)

    @property
    def is_report(self) -> bool:
        return isinstance(self.obj, IntakeReport)


def incident_facts(incident: Incident) -> Facts:
    places = [incident.place]
    if incident.local_government_id and incident.local_government:
        places.append(incident.local_government.name)
    return Facts(
        obj=incident,
        country=str(incident.country),
        span=date_span(incident.date_start, incident.date_end, incident.date_precision),
        names=[v.name for v in incident.victims.all() if v.name],
        places=[p for p in places if p],
    )


def report_facts(report: IntakeReport) -> Facts:
    return Facts(
        obj=report,
        country=str(report.country),
        span=date_span(report.date, None, report.date_precision),
        names=[report.victim_name] if report.victim_name else [],
        places=[report.place] if report.place else [],
    )


def row_facts(values: dict[str, Any]) -> Facts:
    """An import row's facts (before anything is saved)."""
    return Facts(
        obj=None,
        country=str(values["country"]),
        span=date_span(values["date"], None, values["date_precision"]),
        names=[values["victim_name"]] if values.get("victim_name") else [],
        places=[values["place"]] if values.get("place") else [],
    )


def match(a: Facts, b: Facts, rule: DuplicateRule) -> list[str]:
    """The reasons why `a` and `b` may be the same event (empty: they are not)."""
    if a.country != b.country or days_apart(a.span, b.span) > rule.window_days:
        return []
    threshold = rule.name_similarity / 100
    reasons = []
    if any(similar_name(x, y, threshold) for x in a.names for y in b.names):
        reasons.append(str(SAME_VICTIM))
    if any(similar_place(x, y, threshold) for x in a.places for y in b.places):
        reasons.append(str(SAME_PLACE))
    return reasons


def _incidents_near(country: str, span: tuple[dt.date, dt.date], rule: DuplicateRule) -> Any:
    # A year-precision record starts on 1 January: look a year further back.
    lo = span[0] - dt.timedelta(days=rule.window_days + 366)
    hi = span[1] + dt.timedelta(days=rule.window_days)
    return (
        Incident.objects.filter(
            country=country, date_start__gte=lo, date_start__lte=hi, merged_into__isnull=True
        )
        .select_related("local_government")
        .prefetch_related("victims", "acts__violation_types")
        .order_by("date_start", "pk")
    )


def candidates(facts: Facts, rule: DuplicateRule | None = None) -> list[tuple[Incident, list[str]]]:
    """Incidents that may be the same event as `facts`, with the reasons."""
    rule = rule or DuplicateRule.current()
    found = []
    for incident in _incidents_near(facts.country, facts.span, rule):
        if incident is facts.obj or (
            isinstance(facts.obj, Incident) and incident.pk == facts.obj.pk
        ):
            continue
        reasons = match(facts, incident_facts(incident), rule)
        if reasons:
            found.append((incident, reasons))
    return found[:10]


@dataclass
class Pair:
    first: Any
    second: Any
    reasons: list[str]
    days: int

    @property
    def both_incidents(self) -> bool:
        return isinstance(self.first, Incident) and isinstance(self.second, Incident)

    @property
    def sides(self) -> list[dict[str, Any]]:
        return [describe(self.first), describe(self.second)]

    @property
    def merge_url(self) -> str:
        if not self.both_incidents:
            return ""
        return (
            reverse("observatory:incident_merge")
            + f"?keep={self.first.reference}&absorb={self.second.reference}"
        )


def describe(obj: Any) -> dict[str, Any]:
    """What an analyst is shown of one side of a pair (analysts' pages only)."""
    from edile.observatory.selectors import date_display

    if isinstance(obj, IntakeReport):
        return {
            "label": str(_("Report %(number)s") % {"number": obj.pk}),
            "url": reverse("observatory:report_triage", args=[obj.pk]),
            "date": f"{obj.date:%Y-%m-%d} ({obj.get_date_precision_display()})",
            "place": obj.place,
            "names": [obj.victim_name] if obj.victim_name else [],
        }
    return {
        "label": obj.reference,
        "url": reverse("observatory:incident_edit", args=[obj.reference]),
        "date": f"{date_display(obj)} ({obj.get_date_precision_display()})",
        "place": obj.place,
        "names": [v.name for v in obj.victims.all() if v.name],
    }


def _pairs_within(items: list[Facts], rule: DuplicateRule) -> list[Pair]:
    """Pairs among records of one country, sorted by start: compare only near neighbours."""
    items.sort(key=lambda f: f.span[0])
    reach = dt.timedelta(days=rule.window_days + 366)
    pairs = []
    for i, a in enumerate(items):
        for b in items[i + 1 :]:
            if b.span[0] - a.span[0] > reach:
                break
            reasons = match(a, b, rule)
            if reasons:
                pairs.append(Pair(a.obj, b.obj, reasons, days_apart(a.span, b.span)))
    return pairs


# The page compares the most recent incidents (by date) only, so that it stays fast with a
# large inventory; the page says so. Imports and triage compare against every incident.
SCAN_LIMIT = 5000


def possible_duplicates(rule: DuplicateRule | None = None, *, limit: int = 200) -> list[Pair]:
    """Every pair of records (the SCAN_LIMIT most recent incidents and the pending reports)
    that may be one event."""
    rule = rule or DuplicateRule.current()
    by_country: dict[str, list[Facts]] = defaultdict(list)
    incidents = (
        Incident.objects.filter(merged_into__isnull=True)
        .order_by("-date_start", "-pk")
        .select_related("local_government")
        .prefetch_related("victims")[:SCAN_LIMIT]
    )
    for incident in incidents:
        by_country[str(incident.country)].append(incident_facts(incident))
    pending = IntakeReport.objects.filter(status=ReportStatus.NEW)
    for report in pending:
        by_country[str(report.country)].append(report_facts(report))
    pairs: list[Pair] = []
    for items in by_country.values():
        pairs.extend(_pairs_within(items, rule))
    pairs.sort(key=lambda p: (p.days, str(p.first)))
    return pairs[:limit]

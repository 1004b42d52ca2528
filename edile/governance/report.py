"""The congress report, told from the records: who came, the sessions held, the texts
adopted, the prize laureates, the grants the Bureau decided there and the site visits.

It states public facts only (docs/decisions/governance-congress-report.md): public sessions,
adopted texts with their counts, laureates, approved grants in euros; never a registrant's
name, a secret ballot's detail, a review or a score. A constant number of queries whatever
the size of the congress (tests/test_report.py).

Governance may not import grants (grants depends on governance, docs/ARCHITECTURE.md): the
grants app registers its selector here (`register_grants_source`, in its `AppConfig.ready`),
as apps register their retention handlers with `core.retention`.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol

from django.db.models import Count, Prefetch, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from edile.core import formatting
from edile.core.pdf import build_pdf, table
from edile.core.pdf import paragraph as pdf_paragraph
from edile.governance.models import (
    Meeting,
    MeetingKind,
    Nomination,
    NominationStatus,
    Registration,
    RegistrationStatus,
    Resolution,
    ResolutionKind,
    ResolutionState,
    Vote,
    VoteStatus,
)

# ---------------------------------------------------------------------------------------------
# What the grants app answers (its `selectors.decisions_at_meetings`), read structurally.


class GrantedProjectLike(Protocol):
    @property
    def title(self) -> str: ...
    @property
    def city(self) -> str: ...
    @property
    def country(self) -> str: ...
    @property
    def amount_eur(self) -> Decimal: ...
    @property
    def beneficiaries(self) -> int: ...


class ProjectVisitLike(Protocol):
    @property
    def date(self) -> dt.date: ...
    @property
    def city(self) -> str: ...
    @property
    def project(self) -> str: ...


class MeetingDecisionsLike(Protocol):
    @property
    def count(self) -> int: ...
    @property
    def amount_eur(self) -> Decimal: ...
    @property
    def partnerships_eur(self) -> Decimal: ...
    @property
    def beneficiaries(self) -> int: ...
    @property
    def projects(self) -> Sequence[GrantedProjectLike]: ...
    @property
    def visits(self) -> Sequence[ProjectVisitLike]: ...
    @property
    def resolution_ids(self) -> frozenset[int]: ...


GrantsSource = Callable[..., MeetingDecisionsLike]
_grants_source: GrantsSource | None = None


def register_grants_source(source: GrantsSource) -> None:
    """Called once by the grants app: `source(meetings, visits_between=(first, last))`."""
    global _grants_source
    _grants_source = source


# ---------------------------------------------------------------------------------------------
# The report


@dataclass(frozen=True)
class SessionHeld:
    title: str
    kind: str
    body: str
    day: dt.date
    start: dt.datetime
    end: dt.datetime
    url: str


@dataclass(frozen=True)
class TextAdopted:
    number: str
    title: str
    kind: str
    is_decision: bool
    session: str
    decided_on: dt.date | None
    url: str
    # The vote on the whole text, when one was held: (yes, no, abstentions).
    counts: tuple[int, int, int] | None


@dataclass(frozen=True)
class Laureate:
    name: str
    edition: str
    citation: str


@dataclass(frozen=True)
class SiteVisit:
    day: dt.date
    title: str
    note: str


@dataclass(frozen=True)
class CongressReport:
    language: str
    congress: Meeting
    title: str
    venue: str
    first_day: dt.date
    last_day: dt.date
    participants: int
    countries: int
    cities: int
    sessions: tuple[SessionHeld, ...]
    resolutions: tuple[TextAdopted, ...]
    decisions: tuple[TextAdopted, ...]
    laureates: tuple[Laureate, ...]
    grants: MeetingDecisionsLike | None
    site_visits: tuple[SiteVisit, ...]

    @property
    def summary(self) -> str:
        """The opening sentence, in the report's language."""
        with translation.override(self.language):
            people = ngettext(
                "%(count)s participant",
                "%(count)s participants",
                self.participants,
            ) % {"count": formatting.format_number(self.participants, self.language)}
            countries = ngettext(
                "%(count)s country",
                "%(count)s countries",
                self.countries,
            ) % {"count": formatting.format_number(self.countries, self.language)}
            return _(
                "%(people)s from %(countries)s gathered in %(venue)s from %(start)s to %(end)s "
                "for the %(congress)s."
            ) % {
                "people": people,
                "countries": countries,
                "venue": self.venue,
                "start": formatting.format_date(self.first_day, self.language),
                "end": formatting.format_date(self.last_day, self.language),
                "congress": self.title,
            }


def congress_is_over(congress: Meeting, *, now: dt.datetime | None = None) -> bool:
    return congress.end < (now or timezone.now())


def _text(resolution: Resolution, session: Meeting) -> TextAdopted:
    votes = [v for v in resolution.report_votes if v.amendment_id is None]  # type: ignore[attr-defined]
    last = votes[-1] if votes else None
    return TextAdopted(
        number=resolution.number,
        title=resolution.title,
        kind=str(ResolutionKind(resolution.kind).label),
        is_decision=resolution.kind == ResolutionKind.DECISION,
        session=session.title,
        decided_on=resolution.decided_on,
        url=resolution.get_absolute_url(),
        counts=(last.yes, last.no, last.abstain) if last else None,
    )


def congress_report(congress: Meeting, *, language: str) -> CongressReport:
    """The report of `congress` in `language` ("fr" or "en"), from its records: five queries,
    plus two from the grants app when it is installed."""
    with translation.override(language):
        tz = zoneinfo.ZoneInfo(congress.timezone or "UTC")
        sessions = list(
            Meeting.objects.filter(parent=congress, is_public=True)
            .select_related("body")
            .order_by("start", "pk")
        )
        meetings = {congress.pk: congress, **{s.pk: s for s in sessions}}
        figures = Registration.objects.filter(
            congress=congress, status=RegistrationStatus.CONFIRMED
        ).aggregate(
            participants=Count("pk"),
            countries=Count("country", distinct=True, filter=~Q(country="")),
            cities=Count("local_government", distinct=True),
        )
        texts = list(
            Resolution.objects.filter(meeting__in=list(meetings), state=ResolutionState.ADOPTED)
            .prefetch_related(
                Prefetch(
                    "votes",
                    queryset=Vote.objects.filter(status=VoteStatus.CLOSED).order_by(
                        "closed_at", "pk"
                    ),
                    to_attr="report_votes",
                )
            )
            .order_by("decided_on", "number", "pk")
        )
        laureates = [
            Laureate(
                name=f"{n.nominee.given_name} {n.nominee.family_name}",
                edition=n.edition.title,
                citation=n.citation,
            )
            for n in Nomination.objects.filter(
                status=NominationStatus.LAUREATE, edition__ceremony__in=list(meetings)
            )
            .select_related("nominee", "edition")
            .order_by("edition__year", "nominee__family_name", "pk")
        ]
        first_day = congress.start.astimezone(tz).date()
        last_day = congress.end.astimezone(tz).date()
        grants = (
            _grants_source(list(meetings.values()), visits_between=(first_day, last_day))
            if _grants_source is not None
            else None
        )
        recorded_as_grants = grants.resolution_ids if grants else frozenset()
        adopted = [
            _text(r, meetings[r.meeting_id])
            for r in texts
            if r.meeting_id is not None and r.pk not in recorded_as_grants
        ]
        held = tuple(
            SessionHeld(
                title=s.title,
                kind=str(MeetingKind(s.kind).label),
                # "Bureau meeting (Bureau)" says nothing more: the body only when it adds.
                body=s.body.name if s.body and s.body.name not in s.title else "",
                day=s.start.astimezone(tz).date(),
                start=s.start.astimezone(tz),
                end=s.end.astimezone(tz),
                url=s.get_absolute_url(),
            )
            for s in sessions
        )
        visits = [
            SiteVisit(day=s.day, title=s.title, note="")
            for s, row in zip(held, sessions, strict=True)
            if row.kind == MeetingKind.SITE_VISIT
        ]
        if grants:
            visits += [
                SiteVisit(
                    day=v.date,
                    title=v.city,
                    note=_("monitoring of the project “%(project)s”") % {"project": v.project},
                )
                for v in grants.visits
            ]
        return CongressReport(
            language=language,
            congress=congress,
            title=congress.title,
            venue=congress.venue,
            first_day=first_day,
            last_day=last_day,
            participants=figures["participants"],
            countries=figures["countries"],
            cities=figures["cities"],
            sessions=held,
            resolutions=tuple(t for t in adopted if not t.is_decision),
            decisions=tuple(t for t in adopted if t.is_decision),
            laureates=tuple(laureates),
            grants=grants,
            site_visits=tuple(sorted(visits, key=lambda v: v.day)),
        )


# ---------------------------------------------------------------------------------------------
# The PDF


def counts_text(counts: tuple[int, int, int] | None, language: str) -> str:
    if counts is None:
        return ""
    with translation.override(language):
        return _("for: %(yes)s, against: %(no)s, abstentions: %(abstain)s") % {
            "yes": formatting.format_number(counts[0], language),
            "no": formatting.format_number(counts[1], language),
            "abstain": formatting.format_number(counts[2], language),
        }


def paragraph(text: str, style: str = "BodyText") -> Any:
    # Babel's narrow no-break space (U+202F, in French numbers) is not in the PDF's base font.
    return pdf_paragraph(text.replace("\u202f", "\u00a0"), style)


def _rows(rows: list[list[str]]) -> list[list[str]]:
    return [[cell.replace("\u202f", "\u00a0") for cell in row] for row in rows]


def congress_report_pdf(report: CongressReport) -> bytes:
    language = report.language
    fmt_date = formatting.format_date
    with translation.override(language):
        story: list[Any] = [paragraph(report.summary)]
        story.append(paragraph(_("Sessions held"), "Heading2"))
        story.append(
            table(
                _rows(
                    [[_("Date"), _("Session"), _("Kind")]]
                    + [
                        [
                            f"{fmt_date(s.day, language)}, {s.start:%H:%M}–{s.end:%H:%M}",
                            s.title + (f" ({s.body})" if s.body else ""),
                            s.kind,
                        ]
                        for s in report.sessions
                    ]
                ),
                col_widths=[130, 250, 110],
            )
        )
        for heading, rows in (
            (_("Resolutions adopted"), report.resolutions),
            (_("Decisions adopted"), report.decisions),
        ):
            story.append(paragraph(heading, "Heading2"))
            if not rows:
                story.append(paragraph(_("Nothing recorded.")))
            for text in rows:
                line = f"{text.number} — {text.title}" if text.number else text.title
                story.append(paragraph(line))
                detail = [text.session]
                if text.decided_on:
                    detail.append(fmt_date(text.decided_on, language))
                if text.counts:
                    detail.append(counts_text(text.counts, language))
                story.append(paragraph(" · ".join(detail), "Italic"))
        story.append(paragraph(_("Prize laureates"), "Heading2"))
        if not report.laureates:
            story.append(paragraph(_("Nothing recorded.")))
        for laureate in report.laureates:
            story.append(paragraph(f"{laureate.name} — {laureate.edition}"))
            if laureate.citation:
                story.append(paragraph(laureate.citation, "Italic"))
        if report.grants is not None:
            story.append(paragraph(_("Grants decided by the Bureau"), "Heading2"))
            story.append(paragraph(grants_summary(report)))
            if report.grants.projects:
                story.append(
                    table(
                        _rows(
                            [[_("City"), _("Project"), _("Grant"), _("Beneficiaries")]]
                            + [
                                [
                                    f"{p.city} ({p.country})",
                                    p.title,
                                    formatting.format_money(
                                        p.amount_eur, "EUR", language, whole=True
                                    ),
                                    formatting.format_number(p.beneficiaries, language),
                                ]
                                for p in report.grants.projects
                            ]
                        ),
                        col_widths=[110, 210, 90, 80],
                    )
                )
        story.append(paragraph(_("Site visits"), "Heading2"))
        if not report.site_visits:
            story.append(paragraph(_("Nothing recorded.")))
        for visit in report.site_visits:
            line = f"{fmt_date(visit.day, language)} — {visit.title}"
            story.append(paragraph(f"{line} ({visit.note})" if visit.note else line))
        title = _("What happened at the %(congress)s") % {"congress": report.title}
        return build_pdf(title.replace("\u202f", "\u00a0"), story, language=language)


def grants_summary(report: CongressReport) -> str:
    grants = report.grants
    if grants is None:
        return ""
    language = report.language
    with translation.override(language):
        if not grants.count:
            return _("No grant was decided at this congress.")
        return ngettext(
            "%(count)s project received %(amount)s in grants, forming partnerships of "
            "%(partnerships)s, for %(beneficiaries)s beneficiaries.",
            "%(count)s projects received %(amount)s in grants, forming partnerships of "
            "%(partnerships)s, for %(beneficiaries)s beneficiaries.",
            grants.count,
        ) % {
            "count": formatting.format_number(grants.count, language),
            "amount": formatting.format_money(grants.amount_eur, "EUR", language, whole=True),
            "partnerships": formatting.format_money(
                grants.partnerships_eur, "EUR", language, whole=True
            ),
            "beneficiaries": formatting.format_number(grants.beneficiaries, language),
        }

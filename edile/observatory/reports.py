"""The annual report: the same figures as the statistics page, as a page and as a PDF."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from reportlab.platypus import Spacer

from edile.core import pdf
from edile.observatory import selectors
from edile.observatory.permissions import viewer_level


def annual_report_context(user: Any, year: int) -> dict[str, Any]:
    stats = selectors.statistics(user, selectors.StatisticsFilters(year=year))
    level = viewer_level(user)
    incidents = selectors.incident_list(user, selectors.IncidentFilters(year=year))[:50]
    return {
        "year": year,
        "stats": stats,
        "victim_stats": selectors.statistics(
            user, selectors.StatisticsFilters(year=year, unit="victims")
        ),
        "incidents": [selectors.incident_view(i, level, full=False) for i in incidents],
    }


def _table(title: str, rows: list[dict[str, Any]], unit: str) -> list[Any]:
    if not rows:
        return []
    body = [[title, unit]] + [[r["label"], r["display"]] for r in rows]
    return [pdf.paragraph(title, "Heading2"), pdf.table(body), Spacer(1, 8)]


def annual_report_pdf(user: Any, year: int) -> HttpResponse:
    context = annual_report_context(user, year)
    stats = context["stats"]
    unit = _("Incidents")
    title = _("Observatory of Mayors in Danger: annual report %(year)s") % {"year": year}
    story: list[Any] = [
        pdf.paragraph(
            _("Counting unit: incidents. %(total)s incidents recorded in %(year)s.")
            % {"total": stats["total"]["display"], "year": year}
        ),
    ]
    if stats["suppression_threshold"]:
        story.append(
            pdf.paragraph(
                _("Counts below %(n)s are shown as “< %(n)s” so that no person can be singled out.")
                % {"n": stats["suppression_threshold"]}
            )
        )
    story += _table(_("By country"), stats["by_country"], unit)
    story += _table(_("By violation"), stats["by_violation"], unit)
    story += _table(_("By alleged perpetrator"), stats["by_perpetrator"], unit)
    story += _table(_("By victim's gender"), context["victim_stats"]["by_gender"], _("Victims"))
    story += _table(_("By victim's office"), context["victim_stats"]["by_office"], _("Victims"))
    story += _table(_("Impunity"), stats["by_impunity"], unit)
    if context["incidents"]:
        story.append(pdf.paragraph(_("Incidents"), "Heading2"))
        rows = [[_("Date"), _("Country"), _("Incident")]] + [
            [i["date_display"], i["country_name"], i["title"]] for i in context["incidents"]
        ]
        story.append(pdf.table(rows))
    content = pdf.build_pdf(title, story, language=get_language() or "fr")
    return pdf.pdf_response(content, f"observatory-annual-report-{year}")

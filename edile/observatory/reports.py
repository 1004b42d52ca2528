"""The annual report: the statistics' protected figures, charts, the method and the list.

The same context feeds the page and the PDF. A reader below the analysts' level gets the
public figures; an analyst gets every incident, unprotected, and every page of the report
says so ("confidential — internal"), and the read is logged once.
"""

from __future__ import annotations

import io
from typing import Any

from django.http import HttpResponse
from django.utils.translation import gettext as _
from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import cm
from reportlab.platypus import SimpleDocTemplate, Spacer

from edile.core import pdf
from edile.observatory import selectors
from edile.observatory.permissions import CONFIDENTIAL, RESTRICTED

CHART_ROWS = 12


def audience_marking(level: int) -> str:
    """The marking every page of a report carries, by the reader's level ('' for public)."""
    if level >= CONFIDENTIAL:
        return _(
            "Confidential — internal: includes unpublished, unverified and confidential incidents."
        )
    if level >= RESTRICTED:
        return _("Restricted — observatory members only.")
    return ""


def _chart_rows(rows: list[dict[str, Any]]) -> list[tuple[str, int]]:
    # Hidden cells are not drawn: a bar would reveal the hidden count.
    return [(r["label"], r["count"]) for r in rows if r["count"] is not None][:CHART_ROWS]


def annual_report_context(user: Any, year: int, level: int) -> dict[str, Any]:
    stats = selectors.statistics(user, selectors.StatisticsFilters(year=year))
    incidents = list(selectors.incident_list(user, selectors.IncidentFilters(year=year)))
    rows = [selectors.incident_view(i, level, full=False) for i in incidents]
    all_years = selectors.statistics(user, selectors.StatisticsFilters())
    return {
        "year": year,
        "level": level,
        "marking": audience_marking(level),
        "stats": stats,
        "victim_stats": selectors.statistics(
            user, selectors.StatisticsFilters(year=year, unit="victims")
        ),
        "incidents": rows,
        "has_fictional": any(r["is_fictional"] for r in rows),
        "charts": {
            "year": _chart_rows(all_years["by_year"]),
            "violation": _chart_rows(stats["by_violation"]),
            "country": _chart_rows(stats["by_country"]),
            "perpetrator": _chart_rows(stats["by_perpetrator"]),
        },
    }


def _table(title: str, rows: list[dict[str, Any]], unit: str) -> list[Any]:
    if not rows:
        return []
    body = [[title, unit]] + [[r["label"], r["display"]] for r in rows]
    return [pdf.paragraph(title, "Heading2"), pdf.table(body), Spacer(1, 8)]


def _bar_chart(title: str, rows: list[tuple[str, int]]) -> list[Any]:
    if not rows:
        return []
    height = 18 * len(rows) + 20
    drawing = Drawing(16 * cm, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = 5.5 * cm, 10
    chart.width, chart.height = 9.5 * cm, height - 20
    chart.data = [[value for _label, value in reversed(rows)]]
    chart.categoryAxis.categoryNames = [label[:30] for label, _value in reversed(rows)]
    chart.categoryAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labels.fontSize = 7
    chart.bars[0].fillColor = colors.HexColor("#1f5fa8")
    chart.barLabelFormat = "%d"
    chart.barLabels.fontSize = 7
    chart.barLabels.nudge = 8
    drawing.add(chart)
    return [pdf.paragraph(title, "Heading2"), drawing, Spacer(1, 8)]


def annual_report_pdf(user: Any, year: int, level: int) -> HttpResponse:
    context = annual_report_context(user, year, level)
    stats = context["stats"]
    unit = _("Incidents")
    title = _("Observatory of Mayors in Danger: annual report %(year)s") % {"year": year}
    marks = [m for m in (context["marking"],) if m]
    if context["has_fictional"]:
        marks.append(_("Fictional data, made for the demonstration."))
    story: list[Any] = [pdf.paragraph(m, "Heading3") for m in marks]
    story.append(
        pdf.paragraph(
            _("Counting unit: incidents. %(total)s incidents recorded in %(year)s.")
            % {"total": stats["total"]["display"], "year": year}
        )
    )
    story += [pdf.paragraph(_("Method"), "Heading2")]
    story += [pdf.paragraph(text) for text in method_note(context["level"])]
    story += _bar_chart(_("By year"), context["charts"]["year"])
    story += _bar_chart(_("By violation"), context["charts"]["violation"])
    story += _bar_chart(_("By country"), context["charts"]["country"])
    story += _bar_chart(_("By alleged perpetrator"), context["charts"]["perpetrator"])
    story += _table(_("By country"), stats["by_country"], unit)
    story += _table(_("By violation"), stats["by_violation"], unit)
    story += _table(_("By alleged perpetrator"), stats["by_perpetrator"], unit)
    story += _table(_("By victim's gender"), context["victim_stats"]["by_gender"], _("Victims"))
    story += _table(_("By victim's office"), context["victim_stats"]["by_office"], _("Victims"))
    story += _table(_("Impunity"), stats["by_impunity"], unit)
    story.append(pdf.paragraph(_("Incidents"), "Heading2"))
    story.append(pdf.paragraph(list_note(context)))
    if context["incidents"]:
        fictional = _("fictional")
        rows = [[_("Date"), _("Country"), _("Incident")]] + [
            [
                i["date_display"],
                i["country_name"],
                f"{i['title']} ({fictional})" if i["is_fictional"] else i["title"],
            ]
            for i in context["incidents"]
        ]
        story.append(pdf.table(rows))
    content = _build(title, story, " · ".join(marks))
    return pdf.pdf_response(content, f"observatory-annual-report-{year}")


def method_note(level: int) -> list[str]:
    """The method note of the report, the same as on the statistics page."""
    note = [
        _(
            "What is counted: every incident an analyst has verified from its sources, in the "
            "counting unit stated above, including restricted and confidential incidents whose "
            "details are not published. Reported, disputed and unverifiable incidents are not "
            "counted."
        ),
        _(
            "Verification: each incident is checked by an observatory analyst against its "
            "sources (graded for reliability and credibility) before it is counted or "
            "published."
        ),
    ]
    if level < CONFIDENTIAL:
        note.append(
            _(
                "Protection: a count of 1 or 2 is hidden, and so is a count of incidents not "
                "shown one by one in the public list. Further counts are hidden wherever a "
                "hidden count could otherwise be worked out by subtracting shown counts from "
                "the total or from another table; when this is not possible, the total itself "
                "is hidden."
            )
        )
    else:
        note.append(_("You see every incident, unprotected: these figures are internal."))
    return note


def list_note(context: dict[str, Any]) -> str:
    return _(
        "The full list of the %(n)s incidents of %(year)s you may read one by one (the "
        "figures above also count verified incidents whose details are not published)."
    ) % {"n": len(context["incidents"]), "year": context["year"]}


def _build(title: str, story: list[Any], marking: str) -> bytes:
    """A PDF whose every page carries `marking` at its top (audience, fictional data)."""
    buffer = io.BytesIO()

    def on_page(canvas: Any, doc: Any) -> None:
        if not marking:
            return
        canvas.saveState()
        canvas.setFont("Helvetica-Bold", 8)
        canvas.setFillColor(colors.HexColor("#b3261e"))
        canvas.drawString(2 * cm, A4[1] - 1.2 * cm, marking[:150])
        canvas.drawRightString(A4[0] - 2 * cm, 1 * cm, str(doc.page))
        canvas.restoreState()

    doc = SimpleDocTemplate(
        buffer, pagesize=A4, title=title, leftMargin=2 * cm, rightMargin=2 * cm, topMargin=2 * cm
    )
    doc.build(
        [pdf.paragraph(title, "Title"), Spacer(1, 0.4 * cm), *story],
        onFirstPage=on_page,
        onLaterPages=on_page,
    )
    return buffer.getvalue()

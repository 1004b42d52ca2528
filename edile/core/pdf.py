"""PDF documents (minutes, badges, reports) with ReportLab: pure Python, no system libraries."""

from __future__ import annotations

import io
from collections.abc import Iterable
from xml.sax.saxutils import escape

from django.http import HttpResponse
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle


def paragraph(text: str, style: str = "BodyText") -> Paragraph:
    return Paragraph(escape(str(text)), getSampleStyleSheet()[style])


def table(rows: list[list[str]], col_widths: list[float] | None = None) -> Table:
    body = [[paragraph(cell) for cell in row] for row in rows]
    result = Table(body, colWidths=col_widths, repeatRows=1)
    result.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef6")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return result


def build_pdf(title: str, flowables: Iterable[Flowable], *, language: str = "fr") -> bytes:
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, title=title, leftMargin=2 * cm, rightMargin=2 * cm)
    story: list[Flowable] = [paragraph(title, "Title"), Spacer(1, 0.4 * cm), *flowables]
    doc.build(story)
    return buffer.getvalue()


def pdf_response(content: bytes, filename: str, *, inline: bool = True) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}.pdf"'
    return response

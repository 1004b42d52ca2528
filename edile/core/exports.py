"""CSV and XLSX downloads of any list, with headers in the reader's language."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from typing import Any

import tablib
from django.http import HttpResponse, StreamingHttpResponse

from edile.core.text import xml_safe

EXPORT_FORMATS = ("csv", "xlsx")


class _Echo:
    def write(self, value: str) -> str:
        return value


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        # XLSX (XML) cannot hold control characters: data stored before they were stripped
        # on save must not break the file.
        value = xml_safe(value)
        # Spreadsheet programs run cells starting with these as formulas (CSV injection).
        if value[:1] in {"=", "+", "-", "@", "\t", "\r"}:
            return "'" + value
    return "" if value is None else value


def csv_response(
    headers: Sequence[str], rows: Iterable[Sequence[Any]], filename: str
) -> StreamingHttpResponse:
    """Stream a CSV file: memory stays flat however many rows there are."""
    writer = csv.writer(_Echo())

    def lines() -> Iterable[str]:
        yield "\ufeff"  # BOM, so that spreadsheet programs read UTF-8 accents correctly
        yield writer.writerow([str(h) for h in headers])
        for row in rows:
            yield writer.writerow([_clean(v) for v in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def xlsx_response(
    headers: Sequence[str], rows: Iterable[Sequence[Any]], filename: str
) -> HttpResponse:
    data = tablib.Dataset(headers=[str(h) for h in headers])
    for row in rows:
        data.append([_clean(v) for v in row])
    response = HttpResponse(
        data.export("xlsx"),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


def tabular_response(
    fmt: str, headers: Sequence[str], rows: Iterable[Sequence[Any]], filename: str
) -> HttpResponse | StreamingHttpResponse:
    if fmt == "xlsx":
        return xlsx_response(headers, rows, filename)
    return csv_response(headers, rows, filename)

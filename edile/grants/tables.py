"""CSV and XLSX downloads of the grants pages, shaped for the reader's spreadsheet program.

French spreadsheet programs expect semicolons between columns and decimal commas (a comma
separates columns only in English), so a French page's CSV uses `;` and `1234,50`; the XLSX
sheet is named after its contents ("Projets", not "Tablib Dataset"). Numbers stay numbers in
XLSX. Adopts `edile.core.exports` for injection-safe cells.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

import tablib
from django.http import HttpResponse, StreamingHttpResponse
from django.utils.translation import get_language

from edile.core.exports import _clean

_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def _is_french() -> bool:
    return (get_language() or "fr").startswith("fr")


def sheet_title(title: str) -> str:
    """A valid Excel sheet name: at most 31 characters, none of []:*?/\\."""
    return _SHEET_FORBIDDEN.sub(" ", str(title)).strip()[:31] or "Data"


def _csv_cell(value: Any, french: bool) -> Any:
    if french and isinstance(value, Decimal | float):
        return str(value).replace(".", ",")
    return _clean(value)


class _Echo:
    def write(self, value: str) -> str:
        return value


def table_response(
    fmt: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    filename: str,
    *,
    sheet: str,
) -> HttpResponse | StreamingHttpResponse:
    """`fmt` is csv or xlsx; `sheet` the name of the XLSX sheet, in the reader's language."""
    if fmt == "xlsx":
        data = tablib.Dataset(headers=[str(h) for h in headers], title=sheet_title(sheet))
        for row in rows:
            data.append([_clean(v) for v in row])
        response = HttpResponse(
            data.export("xlsx"),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
        return response
    french = _is_french()
    writer = csv.writer(_Echo(), delimiter=";" if french else ",")

    def lines() -> Iterable[str]:
        yield "\ufeff"  # BOM, so that spreadsheet programs read UTF-8 accents correctly
        yield writer.writerow([str(h) for h in headers])
        for row in rows:
            yield writer.writerow([_csv_cell(v, french) for v in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response

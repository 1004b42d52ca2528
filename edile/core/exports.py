"""CSV and XLSX downloads of any list, written from a column spec in the reader's language.

An app declares its columns once, in its `exports.py`::

    LOCAL_GOVERNMENT_COLUMNS = [
        Column(_("Name (French)"), "name_fr"),
        Column(_("Kind"), "kind", choices=LocalGovernmentKind.choices),
        Column(_("Population"), "population"),
    ]

and a view answers ``export_response(fmt, LOCAL_GOVERNMENT_COLUMNS, rows, filename=...,
sheet_title=_("Local governments"))``. Rows are dicts (from ``.values()``) or objects; a
column's ``value`` is a key / dotted attribute path, or a function of the row. Choice labels
are translated once per export, never per row.

- **CSV** is streamed (memory stays flat). In French it is what a French spreadsheet opens
  without a wizard: ``;`` between fields and a decimal comma; in English ``,`` and a decimal
  point. Dates are ISO 8601 in both. A UTF-8 BOM makes accents survive spreadsheet programs.
- **XLSX** is written by openpyxl's write-only mode to a temporary file (memory stays flat),
  then streamed with its ``Content-Length``; numbers and dates are real cells, the header row
  is bold and frozen, the sheet has a real name.
- Cells that start with ``= + - @`` are never run as formulas (CSV injection).

Stable machine-readable exports (column codes, not labels) pass ``localised=False``: ``,``
and a decimal point whatever the language.
"""

from __future__ import annotations

import csv
import datetime as dt
import operator
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from babel import numbers
from django.http import FileResponse, HttpResponseBase, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import pgettext

from edile.core.formatting import current_locale
from edile.core.text import xml_safe

EXPORT_FORMATS = ("csv", "xlsx")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    """One column: its header (translated when written) and how to get its value from a row.

    ``value`` is a key of a dict row or a dotted attribute path of an object row, or a
    function of the row. ``choices`` (a model's ``TextChoices.choices``) turns stored codes
    into their labels in the reader's language, computed once per export.
    """

    header: Any
    value: str | Callable[[Any], Any]
    choices: Iterable[tuple[Any, Any]] | None = None
    width: int | None = None

    def getter(self) -> Callable[[Any], Any]:
        if callable(self.value):
            get = self.value
        else:
            key = self.value
            attr = operator.attrgetter(key)

            def get(row: Any) -> Any:
                return row[key] if isinstance(row, Mapping) else attr(row)

        if self.choices is None:
            return get
        labels = {code: str(label) for code, label in self.choices}

        def labelled(row: Any) -> Any:
            raw = get(row)
            return labels.get(raw, raw)

        return labelled


def _safe_text(value: str) -> str:
    # XLSX (XML) cannot hold control characters: data stored before they were stripped on
    # save must not break the file.
    value = xml_safe(value)
    # Spreadsheet programs run cells starting with these as formulas (CSV injection).
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


@dataclass(frozen=True)
class _CsvStyle:
    delimiter: str
    decimal: str
    yes: str
    no: str


def _csv_style(localised: bool) -> _CsvStyle:
    if not localised:
        return _CsvStyle(",", ".", "true", "false")
    decimal = numbers.get_decimal_symbol(current_locale())
    return _CsvStyle(
        ";" if decimal == "," else ",",
        decimal,
        pgettext("boolean value", "yes"),
        pgettext("boolean value", "no"),
    )


def _csv_cell(value: Any, style: _CsvStyle) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return style.yes if value else style.no
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        return format(value, "f").replace(".", style.decimal)
    if isinstance(value, float):
        text = repr(value)
        if "e" in text or "E" in text:
            text = format(value, "f")
        return text.replace(".", style.decimal)
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(microsecond=0).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return _safe_text(str(value))


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(
    columns: Sequence[Column], rows: Iterable[Any], *, localised: bool = True
) -> Iterator[str]:
    """The CSV file as an iterator of lines (BOM first), for a streaming response.

    Headers, labels and separators are fixed in the language active *now*: the response
    is iterated after the view has returned.
    """
    style = _csv_style(localised)
    writer = csv.writer(_Echo(), delimiter=style.delimiter)
    getters = [column.getter() for column in columns]
    header = [str(column.header) for column in columns]

    def lines() -> Iterator[str]:
        yield "\ufeff"  # BOM, so that spreadsheet programs read UTF-8 accents correctly
        yield writer.writerow(header)
        for row in rows:
            yield writer.writerow([_csv_cell(get(row), style) for get in getters])

    return lines()


_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def sheet_name(title: Any) -> str:
    """A name Excel accepts: no ``[]:*?/\\``, at most 31 characters, never empty."""
    name = _SHEET_FORBIDDEN.sub(" ", str(title or "")).strip().strip("'")[:31].strip()
    return name or "Data"


def _xlsx_value(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | Decimal):
        return value
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.make_naive(value)
        return value.replace(microsecond=0)
    if isinstance(value, dt.date):
        return value
    return xml_safe(str(value))


def xlsx_file(
    columns: Sequence[Column], rows: Iterable[Any], *, sheet_title: Any = ""
) -> tempfile._TemporaryFileWrapper[bytes]:
    """Write the workbook to a temporary file (rewound), row by row."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_name(sheet_title))
    sheet.freeze_panes = "A2"
    for index, column in enumerate(columns, start=1):
        width = column.width or min(max(len(str(column.header)) + 2, 10), 60)
        sheet.column_dimensions[get_column_letter(index)].width = width
    bold = Font(bold=True)
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=str(column.header))
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    getters = [column.getter() for column in columns]
    for row in rows:
        values = []
        for get in getters:
            value = _xlsx_value(get(row))
            if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
                # A string cell, never a formula: openpyxl reads "=…" as a formula otherwise.
                cell = WriteOnlyCell(sheet, value=value)
                cell.data_type = "s"
                values.append(cell)
            else:
                values.append(value)
        sheet.append(values)
    output = tempfile.NamedTemporaryFile(suffix=".xlsx")  # noqa: SIM115 (closed by the response)
    workbook.save(output)
    output.seek(0)
    return output


def export_response(
    fmt: str,
    columns: Sequence[Column],
    rows: Iterable[Any],
    *,
    filename: str,
    sheet_title: Any = "",
    localised: bool = True,
) -> HttpResponseBase:
    """The download answer for ``fmt`` ("csv" or "xlsx"; check it against EXPORT_FORMATS)."""
    if fmt == "xlsx":
        response: HttpResponseBase = FileResponse(
            xlsx_file(columns, rows, sheet_title=sheet_title or filename),
            as_attachment=True,
            filename=f"{filename}.xlsx",
            content_type=XLSX_CONTENT_TYPE,
        )
        return response
    if fmt != "csv":
        raise ValueError(f"Unknown export format {fmt!r}")
    streaming = StreamingHttpResponse(
        csv_lines(columns, rows, localised=localised), content_type="text/csv; charset=utf-8"
    )
    streaming["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return streaming


# --- the older entry points (headers + row lists), kept while the apps move to column specs


def _positional(headers: Sequence[Any]) -> list[Column]:
    return [Column(header, operator.itemgetter(i)) for i, header in enumerate(headers)]


def _legacy_clean(value: Any) -> Any:
    if isinstance(value, str):
        return _safe_text(value)
    return "" if value is None else value


def csv_response(
    headers: Sequence[Any], rows: Iterable[Sequence[Any]], filename: str
) -> StreamingHttpResponse:
    """Stream a CSV file with ``,`` and values as Python writes them (unchanged behaviour)."""
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield "\ufeff"
        yield writer.writerow([str(h) for h in headers])
        for row in rows:
            yield writer.writerow([_legacy_clean(v) for v in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def xlsx_response(
    headers: Sequence[Any], rows: Iterable[Sequence[Any]], filename: str
) -> HttpResponseBase:
    return export_response("xlsx", _positional(headers), rows, filename=filename)


def tabular_response(
    fmt: str, headers: Sequence[Any], rows: Iterable[Sequence[Any]], filename: str
) -> HttpResponseBase:
    if fmt == "xlsx":
        return xlsx_response(headers, rows, filename)
    return csv_response(headers, rows, filename)

"""Reading an uploaded CSV or XLSX file into rows, for all-or-nothing imports.

Each app validates the rows itself; this module only reads the file safely and says which
line a problem is on, so that the report matches what the person sees in their spreadsheet.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _


@dataclass
class RowError:
    line: int
    message: str

    def __str__(self) -> str:
        return _("Line %(line)s: %(message)s") % {"line": self.line, "message": self.message}


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class ImportFileError(ValueError):
    """The file as a whole cannot be read; the message says why."""


def read_rows(data: bytes, filename: str) -> list[tuple[int, dict[str, str]]]:
    """Return (line number, row) pairs with stripped string values and lower-case headers."""
    if len(data) > settings.EDILE_MAX_UPLOAD_BYTES:
        raise ImportFileError(
            _("The file is too large (%(size)s bytes; the limit is %(limit)s).")
            % {"size": len(data), "limit": settings.EDILE_MAX_UPLOAD_BYTES}
        )
    name = filename.lower()
    if name.endswith(".xlsx"):
        return _read_xlsx(data)
    if name.endswith(".csv") or name.endswith(".txt"):
        return _read_csv(data)
    raise ImportFileError(_("Unknown file type: upload a .csv or .xlsx file."))


def _read_csv(data: bytes) -> list[tuple[int, dict[str, str]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError(
            _("The file is not UTF-8 text. Save it as “CSV UTF-8” and try again.")
        ) from None
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    if not reader.fieldnames:
        raise ImportFileError(_("The file is empty."))
    rows = []
    for row in reader:
        clean = {
            (k or "").strip().lower(): (v or "").strip() if isinstance(v, str) else ""
            for k, v in row.items()
        }
        if any(clean.values()):
            rows.append((reader.line_num, clean))
    return rows


def _read_xlsx(data: bytes) -> list[tuple[int, dict[str, str]]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a broken file
        raise ImportFileError(
            _("The spreadsheet cannot be read: is it a valid .xlsx file?")
        ) from None
    sheet = workbook.worksheets[0]
    lines = sheet.iter_rows(values_only=True)
    try:
        headers = [str(h or "").strip().lower() for h in next(lines)]
    except StopIteration:
        raise ImportFileError(_("The file is empty.")) from None
    rows = []
    for number, values in enumerate(lines, start=2):
        row = {
            headers[i]: ("" if v is None else str(v).strip())
            for i, v in enumerate(values)
            if i < len(headers)
        }
        if any(row.values()):
            rows.append((number, row))
    return rows

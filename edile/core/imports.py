"""Reading an uploaded CSV or XLSX file into rows, for all-or-nothing imports.

Each app validates the rows itself; this module only reads the file safely and says which
line a problem is on, so that the report matches what the person sees in their spreadsheet.

Real files come from spreadsheets saved on every kind of computer: `decode_text` reads
UTF-8 (with or without the byte-order mark Excel writes), UTF-16 with its mark, and
Windows-1252 (what Excel on Windows writes as "CSV"); a binary file is refused. In an XLSX
file, date cells become ISO dates (``2023-04-12``), as a person typed them.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _


@dataclass
class RowError:
    line: int
    message: str
    column: str = ""

    def __str__(self) -> str:
        if self.column:
            return _("Line %(line)s, column “%(column)s”: %(message)s") % {
                "line": self.line,
                "column": self.column,
                "message": self.message,
            }
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


Rows = list[tuple[int, dict[str, str]]]

# Bytes that never occur in a text file (NUL and the C0 controls other than tab, CR, LF,
# form feed): their presence means a spreadsheet, an archive or an image renamed ".csv".
_BINARY = bytes(range(0, 9)) + bytes((11,)) + bytes(range(14, 32))


def decode_text(data: bytes) -> str:
    """The text of an uploaded file: UTF-8 (BOM or not), UTF-16 with a BOM, or Windows-1252.

    Raises `ImportFileError` for a binary file. UTF-8 is tried first: a Windows-1252 file
    that happens to be valid UTF-8 is plain ASCII, read the same either way.
    """
    if data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise ImportFileError(_("The file cannot be read as text.")) from None
    if data.startswith(b"PK\x03\x04") or any(b in _BINARY for b in data[:8192]):
        raise ImportFileError(
            _(
                "This is not a text file: upload the spreadsheet as .xlsx, "
                "or save it as CSV and try again."
            )
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        # Five byte values are undefined in Windows-1252; Latin-1 reads them all.
        return data.decode("latin-1")


def read_table(data: bytes, filename: str) -> Rows:
    """Return (line number, row) pairs with stripped string values and lower-case headers.

    CSV in any encoding `decode_text` reads, or XLSX (first sheet; date cells as ISO dates).
    """
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


def read_rows(data: bytes, filename: str) -> Rows:
    """The name other apps call: the same reading as `read_table`."""
    return read_table(data, filename)


def _read_csv(data: bytes) -> Rows:
    text = decode_text(data)
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


def cell_text(value: Any) -> str:
    """A spreadsheet cell as the text a person sees: dates as ISO, whole numbers without .0."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _read_xlsx(data: bytes) -> Rows:
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
        row = {headers[i]: cell_text(v) for i, v in enumerate(values) if i < len(headers)}
        if any(row.values()):
            rows.append((number, row))
    return rows

"""CSV and XLSX downloads of the grants pages, through the platform's exporter
(`edile.core.exports.export_response`): French CSV with `;` and decimal commas, "oui"/"non"
for booleans, and an XLSX sheet named after its contents ("Projets", not "Tablib Dataset")."""

from __future__ import annotations

import operator
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import HttpResponseBase

from edile.core.exports import Column, export_response


def table_response(
    fmt: str,
    headers: Sequence[Any],
    rows: Iterable[Sequence[Any]],
    filename: str,
    *,
    sheet: Any,
) -> HttpResponseBase:
    """`fmt` is csv or xlsx; `sheet` the name of the XLSX sheet, in the reader's language."""
    columns = [Column(header, operator.itemgetter(i)) for i, header in enumerate(headers)]
    return export_response(fmt, columns, rows, filename=filename, sheet_title=sheet)

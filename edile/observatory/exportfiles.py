"""The observatory's public export built as a file (`core.exportfiles`): the public incidents
CSV (published public incidents, public fields), as an anonymous reader gets it.

Only this file is stored: an analyst's CSV (confidential and internal, its read logged) is
always written for the request and never to a shared file. Victims' labels ("office
(identity withheld), region") are in the reader's language: one file per language."""

from __future__ import annotations

from typing import IO

from edile.core import exportfiles
from edile.observatory import exports, models, selectors

INCIDENTS = "observatory.incidents.csv"


def write_incidents(out: IO[bytes]) -> None:
    # `None` is the anonymous reader: `selectors.incident_visible` keeps published public
    # incidents only, and `incident_view` their public fields.
    response = exports.incidents_csv(None, selectors.IncidentFilters())
    exportfiles.write_chunks(out, response.streaming_content)  # type: ignore[attr-defined]


exportfiles.register(
    INCIDENTS,
    write_incidents,
    filename="incidents.csv",
    content_type="text/csv; charset=utf-8",
    per_language=True,
    attachment=True,
)
exportfiles.watch(
    INCIDENTS,
    models.Incident,
    models.Victim,
    models.Act,
    models.Perpetrator,
    models.ViolationType,
    models.Source,
    m2m=(models.Act.violation_types.through, models.Act.victims.through),
)

"""The grants' public exports built as files (`core.exportfiles`): IATI and 360Giving.

Both are the same for every reader. The IATI file's comments (why an activity is left out)
are in the reader's language, so it is built once per language; 360Giving has no text of
ours. Rebuilt after any write to what they read (`exports.export_queryset`)."""

from __future__ import annotations

from typing import IO

from edile.core import exportfiles
from edile.grants import exports, models
from edile.members.models import LocalGovernment

IATI = "grants.iati.xml"
GIVING = "grants.360giving.json"
KEYS = (IATI, GIVING)


def write_iati(out: IO[bytes]) -> None:
    exportfiles.write_chunks(out, exports.iati_xml_chunks())


def write_giving(out: IO[bytes]) -> None:
    exportfiles.write_chunks(out, exports.giving_json_chunks())


exportfiles.register(
    IATI,
    write_iati,
    filename="iati-activities.xml",
    content_type="application/xml; charset=utf-8",
    per_language=True,
)
exportfiles.register(
    GIVING,
    write_giving,
    filename="360giving.json",
    content_type="application/json; charset=utf-8",
)

WATCHED = (
    LocalGovernment,
    models.Partner,
    models.Call,
    models.Application,
    models.BudgetLine,
    models.CoFinancing,
    models.BeneficiaryGroup,
    models.Indicator,
    models.Document,
    models.Decision,
    models.Grant,
    models.Tranche,
    models.Disbursement,
    models.ProgressReport,
    models.IndicatorValue,
)
for _key in KEYS:
    exportfiles.watch(_key, *WATCHED)

"""The grants dashboard kept as a summary (edile.core.summaries): public figures, one row per
filter and language, recomputed in the background after the writes that change them."""

from __future__ import annotations

from collections.abc import Iterator

from django.conf import settings

from edile.core.summaries import refresh_on_change, summary_register
from edile.grants import models, selectors
from edile.members.models import LocalGovernment


def _defaults() -> Iterator[tuple[str, str, str]]:
    for language, _name in settings.LANGUAGES:
        yield selectors.dashboard_variant(selectors.ProjectFilters()), language, ""


summary_register(
    selectors.DASHBOARD_SUMMARY, compute=selectors.dashboard_compute, defaults=_defaults
)
# What the dashboard counts: approved projects, their grants and co-financing, calls (years),
# and the cities (names and positions on the map).
refresh_on_change(
    [
        models.Call,
        models.Application,
        models.Grant,
        models.CoFinancing,
        models.Disbursement,
        LocalGovernment,
    ],
    selectors.DASHBOARD_SUMMARY,
)

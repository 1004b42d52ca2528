"""The observatory's figures kept as summaries (edile.core.summaries): the statistics and
the map's positions, per level below the analysts' (public, restricted)."""

from __future__ import annotations

from collections.abc import Iterator

from django.conf import settings

from edile.core.summaries import summary_register
from edile.observatory import selectors
from edile.observatory.permissions import PUBLIC, RESTRICTED

SHARED_LEVELS = (PUBLIC, RESTRICTED)


def _statistics_defaults() -> Iterator[tuple[str, str, str]]:
    for level in SHARED_LEVELS:
        for language, _name in settings.LANGUAGES:
            for unit in selectors.UNITS:
                filters = selectors.StatisticsFilters(unit=unit)
                yield selectors.statistics_variant(filters), language, str(level)


def _positions_defaults() -> Iterator[tuple[str, str, str]]:
    for level in SHARED_LEVELS:
        for by in ("country", "region"):
            yield f"by={by}&year=", "", str(level)


summary_register(
    selectors.STATISTICS_SUMMARY,
    compute=selectors.statistics_compute,
    defaults=_statistics_defaults,
)
summary_register(
    selectors.POSITIONS_SUMMARY,
    compute=selectors.positions_compute,
    defaults=_positions_defaults,
)

"""The catalogue's home-page figure kept as a summary (edile.core.summaries), for the two
audiences that see the same datasets: the public ("public") and the secretariat ("all")."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from edile.core.summaries import refresh_on_change, summary_register
from edile.datagov.models import Dataset

HOME_SUMMARY = "datagov.home"


def _compute(variant: str, audience: str) -> list[dict[str, Any]]:
    from edile.datagov.figures import compute_home_figures

    return compute_home_figures(audience)


summary_register(
    HOME_SUMMARY,
    compute=_compute,
    defaults=lambda: [
        ("", language, audience)
        for language, _name in settings.LANGUAGES
        for audience in ("public", "all")
    ],
)
refresh_on_change([Dataset], HOME_SUMMARY)

"""The sanitation module's home-page figures kept as a summary (edile.core.summaries)."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from edile.core.summaries import refresh_on_change, summary_register
from edile.sanitation.models import Financing, Programme, SfdStudy

HOME_SUMMARY = "sanitation.home"


def _compute(variant: str, audience: str) -> list[dict[str, Any]]:
    from edile.sanitation.figures import compute_home_figures

    return compute_home_figures()


summary_register(
    HOME_SUMMARY,
    compute=_compute,
    defaults=lambda: [("", language, "") for language, _name in settings.LANGUAGES],
)
refresh_on_change([SfdStudy, Programme, Financing], HOME_SUMMARY)

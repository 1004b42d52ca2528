"""The registry's home-page figures kept as a summary (edile.core.summaries)."""

from __future__ import annotations

from typing import Any

from edile.core.summaries import refresh_on_change, summary_register
from edile.members.models import LocalGovernment, Mandate, Membership
from edile.members.selectors import registry_key_figures

HOME_SUMMARY = "members.home"


def _compute(variant: str, audience: str) -> dict[str, Any]:
    return dict(registry_key_figures())


summary_register(HOME_SUMMARY, compute=_compute, defaults=lambda: [("", "", "")])
refresh_on_change([LocalGovernment, Membership, Mandate], HOME_SUMMARY)

"""The governance module's key figures for the platform's home page."""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from edile.core.formatting import format_number
from edile.governance.models import Resolution, ResolutionState


def compute_home_figures() -> list[dict[str, Any]]:
    """Adopted texts: never drafts, so the same figure for every reader (one summary row per
    language, `governance.summaries`)."""
    adopted = Resolution.objects.filter(state=ResolutionState.ADOPTED).count()
    return [
        {
            "label": _("Resolutions and decisions adopted"),
            "value": format_number(adopted),
            "url": reverse("governance:index"),
        },
    ]


def home_figures(user: Any) -> list[dict[str, Any]]:
    from edile.core.summaries import language_of, summary_get
    from edile.governance.summaries import HOME_SUMMARY

    value = summary_get(HOME_SUMMARY, language=language_of())
    return [{**figure, "computed_at": value.computed_at} for figure in value.payload]

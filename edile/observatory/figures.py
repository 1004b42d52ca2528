"""The observatory's key figures for the home page: only what the reader may see, small counts suppressed."""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from edile.observatory.selectors import statistics_summary


def home_figures(user: Any) -> list[dict[str, Any]]:
    # The statistics' stored summary of the reader's level (live for analysts).
    stats, computed_at = statistics_summary(user)
    return [
        {
            "label": _("Attacks on mayors recorded"),
            "value": stats["total"]["display"],
            "url": reverse("observatory:index"),
            "computed_at": computed_at,
        },
    ]

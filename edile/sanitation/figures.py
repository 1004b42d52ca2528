"""The sanitation module's key figures for the platform's home page: public data only."""

from typing import Any

from django.db.models import Sum
from django.urls import reverse
from django.utils.translation import gettext as _

from edile.core.formatting import format_money, format_number
from edile.sanitation.models import Financing, Programme, SfdStudy


def compute_home_figures() -> list[dict[str, Any]]:
    """Public data only: the same for every reader (one summary row per language)."""
    url = reverse("sanitation:index")
    studies = SfdStudy.objects.filter(status="published").count()
    public = Programme.objects.filter(is_public=True)
    committed = (
        Financing.objects.filter(programme__in=public, stage="commitment").aggregate(
            total=Sum("amount_eur")
        )["total"]
        or 0
    )
    return [
        {
            "label": _("Published excreta flow diagrams (SFD-style estimates)"),
            "value": format_number(studies),
            "url": url,
        },
        {
            "label": _("Committed to cities' sanitation programmes"),
            "value": format_money(committed, "EUR", whole=True),
            "url": url,
        },
    ]


def home_figures(user: Any) -> list[dict[str, Any]]:
    from edile.core.summaries import language_of, summary_get
    from edile.sanitation.summaries import HOME_SUMMARY

    value = summary_get(HOME_SUMMARY, language=language_of())
    return [{**figure, "computed_at": value.computed_at} for figure in value.payload]

"""The sanitation module's key figures for the platform's home page: public data only."""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from edile.core.formatting import format_money, format_number
from edile.sanitation.models import Financing, Programme, SfdStudy


def home_figures(user: Any) -> list[dict[str, Any]]:
    url = reverse("sanitation:index")
    studies = SfdStudy.objects.filter(status="published").count()
    public = Programme.objects.filter(is_public=True)
    from django.db.models import Sum

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

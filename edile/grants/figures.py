"""The grants module's key figures for the platform's home page."""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from edile.core.formatting import format_money, format_number
from edile.grants.selectors import dashboard


def home_figures(user: Any) -> list[dict[str, Any]]:
    # The dashboard's stored summary: nothing is counted on the reader's request.
    summary = dashboard()[0]["summary"]
    url = reverse("grants:index")
    return [
        {
            "label": _("City projects supported"),
            "value": format_number(summary["projects"]),
            "url": url,
        },
        {
            "label": _("Granted to city projects"),
            "value": format_money(summary["granted_eur"], "EUR", whole=True),
            "url": url,
        },
        {
            "label": _("Beneficiaries of the projects"),
            "value": format_number(summary["beneficiaries"]),
            "url": url,
        },
    ]

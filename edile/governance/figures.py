"""The governance module's key figures for the platform's home page."""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from edile.core.formatting import format_number
from edile.governance.models import ResolutionState
from edile.governance.selectors import resolution_list


def home_figures(user: Any) -> list[dict[str, Any]]:
    adopted = resolution_list(user).filter(state=ResolutionState.ADOPTED).count()
    return [
        {
            "label": _("Resolutions and decisions adopted"),
            "value": format_number(adopted),
            "url": reverse("governance:index"),
        },
    ]

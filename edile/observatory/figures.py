"""The observatory's key figures for the home page: only what the reader may see, small counts suppressed."""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from edile.observatory.selectors import key_figures


def home_figures(user: Any) -> list[dict[str, Any]]:
    figures = key_figures(user)
    return [
        {
            "label": _("Attacks on mayors recorded"),
            "value": figures["incidents"]["display"],
            "url": reverse("observatory:index"),
        },
    ]

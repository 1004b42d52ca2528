"""The data catalogue's key figures for the platform's home page."""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from edile.core.formatting import format_number
from edile.datagov.selectors import dataset_visible


def home_figures(user: Any) -> list[dict[str, Any]]:
    return [
        {
            "label": _("Datasets in the catalogue"),
            "value": format_number(dataset_visible(user).count()),
            "url": reverse("datagov:index"),
        },
    ]

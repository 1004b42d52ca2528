"""The data catalogue's key figures for the platform's home page."""

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils.translation import gettext as _

from edile.accounts.models import RoleCode
from edile.accounts.selectors import has_role
from edile.core.formatting import format_number
from edile.datagov.models import Dataset
from edile.datagov.selectors import dataset_visible


def _figures(count: int) -> list[dict[str, Any]]:
    return [
        {
            "label": _("Datasets in the catalogue"),
            "value": format_number(count),
            "url": reverse("datagov:index"),
        },
    ]


def compute_home_figures(audience: str) -> list[dict[str, Any]]:
    """ "public": what an anonymous reader sees; "all": the secretariat's view (every dataset
    not withdrawn)."""
    if audience == "all":
        return _figures(Dataset.objects.filter(withdrawn_at__isnull=True).count())
    return _figures(dataset_visible(AnonymousUser()).count())


def home_figures(user: Any) -> list[dict[str, Any]]:
    """Shared audiences read the stored summary; a signed-in reader who may see more than the
    public (their own datasets, their city's) gets a per-person count, live."""
    from edile.core.summaries import language_of, summary_get
    from edile.datagov.summaries import HOME_SUMMARY

    if has_role(user, RoleCode.SECRETARIAT, RoleCode.ADMINISTRATOR):
        audience = "all"
    elif not getattr(user, "is_authenticated", False):
        audience = "public"
    else:
        return _figures(dataset_visible(user).count())
    value = summary_get(HOME_SUMMARY, language=language_of(), audience=audience)
    return [{**figure, "computed_at": value.computed_at} for figure in value.payload]

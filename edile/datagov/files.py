"""Who may read the data catalogue's uploaded files (registered with `edile.core.files`)."""

from __future__ import annotations

from django.urls import reverse

from edile.core.files import register
from edile.datagov.models import Distribution

# The catalogue's own download view checks the classification and logs the download.
register(
    Distribution,
    "file",
    view_url=lambda d: reverse("datagov:download", kwargs={"slug": d.dataset.slug, "pk": d.pk}),
)

"""Who may read the grants' uploaded files (registered with `edile.core.files`)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from edile.core.files import register
from edile.grants import selectors
from edile.grants.models import Document, Grant, MonitoringVisit


def _visit_is_public(visit: MonitoringVisit) -> bool:
    """A visit photo is public when its project is (an approved application's grant)."""
    return selectors.projects().filter(grant__pk=visit.grant_id).exists()


def _can_view_visit(user: Any, visit: MonitoringVisit) -> bool:
    return user.has_perm("grants.view_grant", visit.grant)


# Documents go through the grants' own download view, which checks the application.
register(
    Document,
    "file",
    view_url=lambda doc: reverse("grants:document_download", kwargs={"pk": doc.pk}),
)
register(MonitoringVisit, "photo", is_public=_visit_is_public, can_view=_can_view_visit)

# The signed agreement: only those who may see the grant, through the grant's own view.
register(
    Grant,
    "agreement_file",
    can_view=lambda user, grant: user.has_perm("grants.view_grant", grant),
    view_url=lambda grant: reverse("grants:grant_agreement_signed", kwargs={"pk": grant.pk}),
)

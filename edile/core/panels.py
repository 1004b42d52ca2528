"""Sections an app adds to another app's page, without that page's app importing it.

A page names a slot in its template — `{% panels "governance.resolution" resolution %}`
(the tag is in `core/templatetags/edile.py`) — and an app registers, in its
`AppConfig.ready`, a function that renders its own section for the request and the object:
already filtered to what the reader may see, or "" for nothing. So the resolution's page
shows "Incidents this responds to" while governance never imports the observatory (the
dependency stays observatory → governance, docs/ARCHITECTURE.md). This module imports no app.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

Panel = Callable[[HttpRequest, Any], str]

_registry: dict[str, list[Panel]] = {}


def register(slot: str, panel: Panel) -> None:
    """Add `panel` to the pages that name `slot` (once: registering it again is harmless)."""
    panels = _registry.setdefault(slot, [])
    if panel not in panels:
        panels.append(panel)


def registered(slot: str) -> list[Panel]:
    return list(_registry.get(slot, ()))


def render(slot: str, request: HttpRequest, obj: Any) -> SafeString:
    """Every panel of `slot` for `obj`, in registration order; plain text is escaped."""
    parts = [conditional_escape(panel(request, obj)) for panel in _registry.get(slot, ())]
    return mark_safe("".join(parts))  # each part is escaped or already safe

"""One view, two answers: the whole page, or just the fragment htmx asked for."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers


def render_page_or_fragment(
    request: HttpRequest, page_template: str, fragment_template: str, context: dict[str, Any]
) -> HttpResponse:
    htmx: Any = getattr(request, "htmx", None)
    is_htmx = bool(htmx) and not htmx.boosted
    response = render(request, fragment_template if is_htmx else page_template, context)
    # Browsers cache by URL; tell them the body depends on the HX-Request header.
    patch_vary_headers(response, ["HX-Request"])
    return response

"""The site's own pages: the home page, with the registry's and every module's figures."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from edile.core.summaries import summary_get
from edile.site.figures import module_figures


def home(request: HttpRequest) -> HttpResponse:
    """Every figure is read from its stored summary (edile.core.summaries): the page counts
    nothing, and says when the oldest of its figures was computed."""
    registry = summary_get("members.home")
    figures = module_figures(request.user)
    times = [registry.computed_at] + [f["computed_at"] for f in figures if f.get("computed_at")]
    context = {
        "figures": registry.payload,
        "module_figures": figures,
        "computed_at": min(times),
    }
    return render(request, "site/home.html", context)

from __future__ import annotations

import importlib
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from edile.members.selectors import registry_key_figures


def module_figures() -> list[dict[str, Any]]:
    """Key figures each domain module offers the home page (`selectors.home_figures()`).

    Each is {"label", "value", "url"}, counted from records; a module without the function
    simply adds nothing.
    """
    figures: list[dict[str, Any]] = []
    for app in settings.EDILE_DOMAIN_APPS:
        try:
            module = importlib.import_module(f"edile.{app}.selectors")
        except ModuleNotFoundError:
            continue
        home_figures = getattr(module, "home_figures", None)
        if home_figures is not None:
            figures.extend(home_figures())
    return figures


def home(request: HttpRequest) -> HttpResponse:
    context = {"figures": registry_key_figures(), "module_figures": module_figures()}
    return render(request, "core/home.html", context)

from __future__ import annotations

import importlib
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from edile.members.selectors import registry_key_figures


def module_figures(user: Any) -> list[dict[str, Any]]:
    """Key figures each domain module offers the home page (`figures.home_figures(user)`).

    Each is {"label", "value", "url"}, counted from records; a module without the function
    simply adds nothing.
    """
    figures: list[dict[str, Any]] = []
    for app in settings.EDILE_DOMAIN_APPS:
        try:
            module = importlib.import_module(f"edile.{app}.figures")
        except ModuleNotFoundError:
            continue
        home_figures = getattr(module, "home_figures", None)
        if home_figures is not None:
            figures.extend(home_figures(user))
    return figures


def home(request: HttpRequest) -> HttpResponse:
    context = {"figures": registry_key_figures(), "module_figures": module_figures(request.user)}
    return render(request, "core/home.html", context)

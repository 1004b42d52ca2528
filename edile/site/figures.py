"""The home page's figures, asked of each domain app that has a `figures.py`."""

from __future__ import annotations

from importlib import import_module
from types import ModuleType
from typing import Any

from django.apps import apps
from django.conf import settings
from django.utils.module_loading import module_has_submodule

from edile.core.types import User


def domain_submodules(name: str) -> list[tuple[str, ModuleType]]:
    """`(app, edile.<app>.<name>)` for each domain app that has that submodule, in order.

    `module_has_submodule` decides whether the file exists, so an error *inside* one (an
    import that fails, a syntax error) is raised, never mistaken for "this app has none".
    """
    found = []
    for app in settings.EDILE_DOMAIN_APPS:
        package = apps.get_app_config(app).module
        assert package is not None
        if module_has_submodule(package, name):
            found.append((app, import_module(f"{package.__name__}.{name}")))
    return found


def module_figures(user: User | None) -> list[dict[str, Any]]:
    """Key figures each domain module offers the home page (`figures.home_figures(user)`).

    Each is {"label", "value", "url"} and, when read from a stored summary, "computed_at";
    filtered to what `user` may see; an app without `figures.py` adds nothing.
    """
    figures: list[dict[str, Any]] = []
    for _app, module in domain_submodules("figures"):
        figures.extend(module.home_figures(user))
    return figures

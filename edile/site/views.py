"""The site's own pages: the home page, with the registry's and every module's figures."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from edile.members.selectors import registry_key_figures
from edile.site.figures import module_figures


def home(request: HttpRequest) -> HttpResponse:
    context = {"figures": registry_key_figures(), "module_figures": module_figures(request.user)}
    return render(request, "site/home.html", context)

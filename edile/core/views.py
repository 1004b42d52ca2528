from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from edile.members.selectors import registry_key_figures


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html", {"figures": registry_key_figures()})

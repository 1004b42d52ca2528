"""Request and response rules for the whole site."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

API_PREFIX = "/api/"


class ApiErrorsAsJsonMiddleware:
    """The API answers JSON whatever the error: a 404 for an unknown URL, a CSRF refusal or a
    405 made by Django (not by ninja) is turned into `{"detail": ...}` for paths under /api/.
    Also refuses NUL characters in the query string (PostgreSQL cannot store or compare them)
    with a 400 on every path."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        is_api = request.path.startswith(API_PREFIX)
        if any("\x00" in v for values in request.GET.lists() for v in values[1]) or any(
            "\x00" in k for k in request.GET
        ):
            message = _("The address holds a NUL character: remove it and try again.")
            if is_api:
                return JsonResponse({"detail": message}, status=400)
            return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
        response = self.get_response(request)
        if (
            is_api
            and response.status_code >= 400
            and response.get("Content-Type", "").startswith("text/html")
        ):
            reason = response.reason_phrase or "Error"
            json_response = JsonResponse({"detail": reason}, status=response.status_code)
            for header in ("Allow", "Retry-After", "WWW-Authenticate"):
                if header in response:
                    json_response[header] = response[header]
            return json_response
        return response

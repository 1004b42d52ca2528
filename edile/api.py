"""The API at /api/v1/: one NinjaAPI, one Router per domain app, errors as JSON with a message."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError

from edile.accounts.api_auth import optional_user
from edile.core.apischema import bound_integer_parameters, with_error_responses
from edile.core.errors import ServiceError
from edile.datagov.api import router as datagov_router
from edile.governance.api import router as governance_router
from edile.grants.api import router as grants_router
from edile.members.api import router as members_router
from edile.observatory.api import router as observatory_router
from edile.sanitation.api import router as sanitation_router

logger = logging.getLogger("edile.api")


class EdileAPI(NinjaAPI):
    """The OpenAPI description declares every error answer on every operation."""

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        return with_error_responses(super().get_openapi_schema(*args, **kwargs))


api = EdileAPI(
    title="Édile API",
    version="1.0.0",
    description=(
        "The open API of Édile. Public data needs no token; send a personal token as "
        "`Authorization: Bearer <token>` (created on your profile page) to see more."
    ),
    urls_namespace="api",
    auth=optional_user,
)


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    messages = []
    for error in exc.errors:
        location = ".".join(str(p) for p in error.get("loc", []) if p not in ("query", "body"))
        messages.append(f"{location}: {error.get('msg')}" if location else str(error.get("msg")))
    return api.create_response(
        request, {"detail": "; ".join(messages), "errors": exc.errors}, status=422
    )


@api.exception_handler(ServiceError)
def service_error(request: HttpRequest, exc: ServiceError) -> HttpResponse:
    return api.create_response(
        request, {"detail": exc.message, "errors": exc.errors}, status=exc.status_code
    )


@api.exception_handler(DjangoValidationError)
def django_validation_error(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    return api.create_response(request, {"detail": "; ".join(exc.messages)}, status=422)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc) or "Not found."}, status=404)


@api.exception_handler(PermissionDenied)
def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc) or "You may not do this."}, status=403)


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(
        request, {"detail": str(exc) or "Authentication failed."}, status=401
    )


api.add_router("/members/", members_router)
api.add_router("/governance/", governance_router)
api.add_router("/grants/", grants_router)
api.add_router("/observatory/", observatory_router)
api.add_router("/datagov/", datagov_router)
api.add_router("/sanitation/", sanitation_router)


# Every integer parameter gets bounds (no 500 on an offset above 2⁶³), after all routers.
bound_integer_parameters(api)


@api.exception_handler(DataError)
def data_error(request: HttpRequest, exc: DataError) -> HttpResponse:
    # The database refused a value (a NUL character on PostgreSQL, a number out of range).
    return api.create_response(
        request, {"detail": "A value in the request cannot be stored or searched for."}, status=400
    )


@api.exception_handler(Exception)
def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    """A bug: JSON like every other answer, the details only in development (and the log)."""
    logger.exception("API error on %s %s", request.method, request.path)
    detail = f"{type(exc).__name__}: {exc}" if settings.DEBUG else "Server error."
    return api.create_response(request, {"detail": detail}, status=500)

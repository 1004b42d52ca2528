"""Errors raised by services; views and the API turn them into 4xx answers with a message."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


class ServiceError(Exception):
    """A business rule refused the action; `message` says why, for a person to act on."""

    status_code = 400

    def __init__(self, message: str, *, errors: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = str(message)
        self.errors = [str(e) for e in errors] if errors else [self.message]


class PermissionDeniedError(ServiceError):
    status_code = 403


class ConflictError(ServiceError):
    """Someone else changed the record since the editor loaded it."""

    status_code = 409

    def __init__(self, message: str | None = None) -> None:
        super().__init__(
            message
            or str(
                _(
                    "Someone else changed this record while you were editing it. "
                    "Reload the page to see their changes, then make yours again."
                )
            )
        )

"""Writes of the sanitation module: keyword-only, atomic, permission-checked."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from edile.core.errors import ServiceError
from edile.sanitation import selectors, sfd

# --- SFD-style estimates ------------------------------------------------------------------


def sfd_evaluate(*, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Compute a matrix's flows; bad input is a ServiceError (400) naming each row at fault."""
    try:
        return sfd.evaluate(rows, selectors.sfd_grid())
    except sfd.SfdInputError as exc:
        raise ServiceError(
            _("The matrix cannot be computed: %(errors)s") % {"errors": "; ".join(exc.errors)},
            errors=exc.errors,
        ) from exc

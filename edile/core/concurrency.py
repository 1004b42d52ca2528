"""Optimistic locking: a save only succeeds if nobody saved the record in between."""

from __future__ import annotations

from typing import TypeVar

from django.db import transaction
from django.db.models import F

from edile.core.errors import ConflictError
from edile.core.models import VersionedModel

V = TypeVar("V", bound=VersionedModel)


def save_versioned(instance: V, *, expected_version: int) -> V:
    """Save `instance` if its stored version is still `expected_version`; else ConflictError.

    The check and the increment happen in one UPDATE, so two editors cannot both win.
    """
    model = type(instance)
    with transaction.atomic():
        updated = model._default_manager.filter(pk=instance.pk, version=expected_version).update(
            version=F("version") + 1
        )
        if updated != 1:
            raise ConflictError()
        instance.version = expected_version + 1
        instance.save()
    return instance

"""Model-wide rules applied on every save path (forms, API, admin, imports, shell)."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models.signals import pre_save
from django.dispatch import receiver

from edile.core.text import strip_control

EDILE_APPS = {"core", "accounts", "members", "governance", "grants", "observatory", "datagov"}


@receiver(pre_save, dispatch_uid="edile-strip-control-characters")
def strip_control_characters(sender: type[models.Model], instance: models.Model, **kwargs: Any):
    """No control character reaches the database: a `\\x0b` pasted into a city's name would
    otherwise break the XLSX and XML exports later. Text fields keep tabs and line breaks."""
    meta = sender._meta
    if meta.app_label not in EDILE_APPS and not meta.app_label.startswith("edile"):
        # Historical models (simple_history) are in the same app labels as their models.
        return
    for field in meta.concrete_fields:
        if not isinstance(field, models.CharField | models.TextField):
            continue
        value = getattr(instance, field.attname, None)
        if isinstance(value, str) and value:
            cleaned = strip_control(value, multiline=isinstance(field, models.TextField))
            if cleaned != value:
                setattr(instance, field.attname, cleaned)

"""Abstract bases shared by every domain app."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class VersionedModel(TimeStampedModel):
    """A record that people edit: `version` guards against silent overwrites.

    Writes go through `edile.core.concurrency.save_versioned`, which refuses a save whose
    version is not the one the editor started from.
    """

    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        abstract = True

    _loaded_version: int | None

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Every save of an existing record bumps its version (admin, shell, services alike),
        so a form opened before it is refused by `save_versioned` instead of undoing it.
        A caller that set the version itself (`save_versioned`, a locked increment) is left
        alone."""
        loaded = getattr(self, "_loaded_version", None)
        if not self._state.adding and (loaded is None or self.version == loaded):
            self.version = (self.version or 0) + 1
            update_fields = kwargs.get("update_fields")
            if update_fields is not None and "version" not in update_fields:
                kwargs["update_fields"] = [*update_fields, "version"]
        super().save(*args, **kwargs)
        self._loaded_version = self.version

    def refresh_from_db(self, *args: Any, **kwargs: Any) -> None:
        super().refresh_from_db(*args, **kwargs)
        self._loaded_version = self.version

    @classmethod
    def from_db(cls, db: Any, field_names: Any, values: Any) -> Any:
        instance = super().from_db(db, field_names, values)
        instance._loaded_version = instance.__dict__.get("version")
        return instance


class ExportFile(models.Model):
    """A public export built as a file (`edile.core.exportfiles`): where it is, and whether
    it still says what the data says.

    One row per registered export and language ("" for an export written the same in every
    language). `stale` is set after a write that changes the export's data and cleared by the
    build that started after it (`generation` tells them apart); a stale or missing file is
    never served: the view answers dynamically instead.
    """

    key = models.CharField(_("key"), max_length=100)
    language = models.CharField(_("language"), max_length=10, blank=True, default="")
    path = models.CharField(_("path in the storage"), max_length=300, blank=True, default="")
    size = models.PositiveBigIntegerField(_("size in bytes"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True, default="")
    built_at = models.DateTimeField(_("built at"), null=True, blank=True)
    stale = models.BooleanField(_("stale"), default=True)
    generation = models.PositiveBigIntegerField(_("generation"), default=0)
    build_pending = models.BooleanField(_("build pending"), default=False)

    class Meta:
        verbose_name = _("export file")
        verbose_name_plural = _("export files")
        constraints = [
            models.UniqueConstraint(fields=["key", "language"], name="core_exportfile_key_language")
        ]

    def __str__(self) -> str:
        return f"{self.key} [{self.language}]" if self.language else self.key

    @property
    def etag(self) -> str:
        return f'"{self.sha256}"'


class Summary(models.Model):
    """Figures computed in the background and read by every page (`edile.core.summaries`).

    One row per registered summary `key` (a name and its variant, `name|variant`), reader's
    language ("" when the payload has no words) and audience (`audience`: a level or role
    key, "" for everyone). `payload` is plain JSON: numbers, strings, lists, no model
    instances. `source_version` is the version of the code that computed it: a row of another
    version is never served (its shape may differ).
    """

    key = models.CharField(_("key"), max_length=200)
    language = models.CharField(_("language"), max_length=10, blank=True, default="")
    audience = models.CharField(_("audience"), max_length=40, blank=True, default="")
    payload = models.JSONField(_("payload"), default=dict)
    computed_at = models.DateTimeField(_("computed at"))
    source_version = models.PositiveIntegerField(_("source version"), default=1)

    class Meta:
        verbose_name = _("summary")
        verbose_name_plural = _("summaries")
        constraints = [
            models.UniqueConstraint(
                fields=["key", "language", "audience"], name="core_summary_unique_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.key} [{self.language or '-'}/{self.audience or '-'}]"

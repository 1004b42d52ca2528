"""Uploaded files: random names, and served only through a permission check.

Every uploaded file is stored under a random name (`RandomNameStorage.generate_filename`), so
no address can be guessed from a file's original name. `storage.url(name)` never points to a
public `/media/` folder: it points to `serve_file` below, which finds the model and field that
own the file in a small registry and asks that app whether the reader may see it.

Apps register their file fields in `edile/<app>/files.py` (discovered at start-up):

    register(Document, "file", view_url=lambda doc: reverse("grants:document_download", ...))
    register(MonitoringVisit, "photo", is_public=..., can_view=...)

`view_url` hands the reader over to the app's own download view (which checks and logs);
otherwise `is_public(obj)` (served to anyone, with caching headers) or `can_view(user, obj)`
(served privately) decide. A file no registered field owns is never served.
"""

from __future__ import annotations

import mimetypes
import posixpath
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from django.core.files.storage import FileSystemStorage
from django.db import models
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

# Shown in the browser; everything else is downloaded (no HTML or SVG from uploads, ever).
INLINE_TYPES = {"image/jpeg", "image/png", "image/gif", "image/webp", "application/pdf"}
PUBLIC_MAX_AGE = 24 * 3600


def random_name(filename: str) -> str:
    """`grants/documents/2026/etude.pdf` → `grants/documents/2026/<32 hex digits>.pdf`."""
    directory, base = posixpath.split(filename)
    suffix = PurePosixPath(base).suffix.lower()
    if not (suffix.isascii() and suffix[1:].isalnum() and len(suffix) <= 10):
        suffix = ""
    return posixpath.join(directory, uuid.uuid4().hex + suffix)


def file_url(name: str) -> str:
    return reverse("serve_file", kwargs={"name": name})


@deconstructible
class RandomNameStorage(FileSystemStorage):
    """The default storage: files on disk under MEDIA_ROOT, random names, checked URLs."""

    def generate_filename(self, filename: str) -> str:
        return super().generate_filename(random_name(str(filename).replace("\\", "/")))

    def url(self, name: str | None) -> str:
        return file_url(name or "")


def _s3_storage_class() -> type:
    from storages.backends.s3 import S3Storage

    @deconstructible
    class RandomNameS3Storage(S3Storage):
        """Object storage (S3-compatible): random names, private bucket, checked URLs."""

        def generate_filename(self, filename: str) -> str:
            return super().generate_filename(random_name(str(filename).replace("\\", "/")))

        def url(self, name: str | None, *args: Any, **kwargs: Any) -> str:
            return file_url(name or "")

    return RandomNameS3Storage


def RandomNameS3Storage(*args: Any, **kwargs: Any) -> Any:  # noqa: N802 - a storage "class"
    """Built lazily, so django-storages is only needed where STORAGE_BUCKET is set."""
    return _s3_storage_class()(*args, **kwargs)


@dataclass(frozen=True)
class FileRule:
    model: type[models.Model]
    field: str
    can_view: Callable[[Any, Any], bool] | None = None
    is_public: Callable[[Any], bool] | None = None
    view_url: Callable[[Any], str] | None = None


_REGISTRY: list[FileRule] = []


def register(
    model: type[models.Model],
    field: str,
    *,
    can_view: Callable[[Any, Any], bool] | None = None,
    is_public: Callable[[Any], bool] | None = None,
    view_url: Callable[[Any], str] | None = None,
) -> None:
    """Declare who may read the files of `model.field` (see the module's docstring)."""
    rule = FileRule(model, field, can_view, is_public, view_url)
    if rule not in _REGISTRY:
        _REGISTRY.append(rule)


def registered_rules() -> list[FileRule]:
    return list(_REGISTRY)


def owner_of(name: str) -> tuple[FileRule, Any] | None:
    for rule in _REGISTRY:
        obj = rule.model._default_manager.filter(**{rule.field: name}).first()
        if obj is not None:
            return rule, obj
    return None


def _file_response(obj: Any, rule: FileRule, *, public: bool) -> HttpResponse:
    field_file = getattr(obj, rule.field)
    try:
        handle = field_file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404(_("No file at this address.")) from None
    content_type = mimetypes.guess_type(field_file.name)[0] or "application/octet-stream"
    inline = content_type in INLINE_TYPES
    response = FileResponse(
        handle,
        content_type=content_type if inline else "application/octet-stream",
        as_attachment=not inline,
        filename=posixpath.basename(field_file.name),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    if public:
        response["Cache-Control"] = f"public, max-age={PUBLIC_MAX_AGE}"
    else:
        response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def serve_file(request: HttpRequest, name: str) -> HttpResponse:
    """Serve an uploaded file if the reader may see it; 404 otherwise (existence is not
    revealed), whatever DEBUG says."""
    found = owner_of(name) if name and ".." not in name.split("/") else None
    if found is None:
        raise Http404(_("No file at this address."))
    rule, obj = found
    if rule.view_url is not None:
        return HttpResponseRedirect(rule.view_url(obj))
    if rule.is_public is not None and rule.is_public(obj):
        return _file_response(obj, rule, public=True)
    if rule.can_view is not None and rule.can_view(request.user, obj):
        return _file_response(obj, rule, public=False)
    raise Http404(_("No file at this address."))

"""The one check every uploaded file goes through: size, extension and content.

A file is accepted only when its extension is one the caller allows *and* its first bytes
are what that extension promises (magic bytes for binary formats, readable text without web
markup for text formats). An HTML page renamed `report.pdf` is refused, and so is a
spreadsheet whose zip does not hold a spreadsheet.

Two ways in, same rules:

- in a service: ``info = upload_check(file, extensions=DOCUMENT_EXTENSIONS)``, which raises
  `UploadError` (a `ServiceError`, so views and the API answer 400 with its message);
- on a form field: ``forms.FileField(validators=[UploadValidator(DOCUMENT_EXTENSIONS)])``,
  which raises a `ValidationError` with the same message.

The random name a file is stored under is the default storage's job
(`core.files.RandomNameStorage`), for every `FileField`.
"""

from __future__ import annotations

import codecs
import contextlib
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _

from edile.core.errors import ServiceError

HEAD_BYTES = 8192

# What each extension promises, and the content type the file is served as (never a type a
# browser would render as a page or run).
KINDS: dict[str, tuple[str, str]] = {
    ".pdf": ("pdf", "application/pdf"),
    ".png": ("png", "image/png"),
    ".jpg": ("jpeg", "image/jpeg"),
    ".jpeg": ("jpeg", "image/jpeg"),
    ".gif": ("gif", "image/gif"),
    ".webp": ("webp", "image/webp"),
    ".csv": ("text", "text/csv; charset=utf-8"),
    ".tsv": ("text", "text/tab-separated-values; charset=utf-8"),
    ".txt": ("text", "text/plain; charset=utf-8"),
    ".json": ("json", "application/json"),
    ".geojson": ("json", "application/geo+json"),
    ".xml": ("xml", "application/xml"),
    ".xlsx": ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ".docx": ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ".ods": ("ods", "application/vnd.oasis.opendocument.spreadsheet"),
    ".odt": ("odt", "application/vnd.oasis.opendocument.text"),
    ".zip": ("zip", "application/zip"),
}

DOCUMENT_EXTENSIONS = (".pdf", ".odt", ".docx", ".xlsx", ".ods", ".csv", ".jpg", ".jpeg", ".png")
IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".webp")
SPREADSHEET_EXTENSIONS = (".csv", ".xlsx")
DATA_EXTENSIONS = (".csv", ".json", ".geojson", ".xlsx", ".ods", ".xml", ".pdf", ".zip")

# Markup that makes a browser treat a text file as a page or run it.
_ACTIVE_MARKERS = (
    b"<html",
    b"<!doctype html",
    b"<script",
    b"<svg",
    b"<iframe",
    b"<body",
    b"<object",
    b"<embed",
    b"<?php",
    b"http://www.w3.org/1999/xhtml",
)
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")


class UploadError(ServiceError):
    """The file is refused; the message tells the person what to send instead."""


@dataclass(frozen=True)
class UploadInfo:
    """What the check found: the (lower-case) extension, its kind, size and served type."""

    extension: str
    kind: str
    size: int
    content_type: str


def _rewind(file: Any) -> None:
    with contextlib.suppress(AttributeError, OSError):
        file.seek(0)


def _read_head(file: IO[bytes] | Any) -> bytes:
    _rewind(file)
    head = file.read(HEAD_BYTES)
    _rewind(file)
    if isinstance(head, str):  # a text-mode file in a test or a script
        head = head.encode()
    return head


def _size(file: Any, head: bytes) -> int:
    size = getattr(file, "size", None)
    if size is not None:
        return int(size)
    try:
        file.seek(0, 2)
        end = file.tell()
        file.seek(0)
        return int(end)
    except (AttributeError, OSError):
        return len(head)


def _is_text(head: bytes, *, complete: bool) -> bool:
    """UTF-8 (with or without BOM) or a single-byte encoding, no NUL bytes, no web markup."""
    if b"\x00" in head:
        return False
    lowered = head.lower()
    if any(marker in lowered for marker in _ACTIVE_MARKERS):
        return False
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        decoder.decode(head, final=complete)
    except UnicodeDecodeError:
        # Latin-1 and Windows-1252 exports are still text; control bytes are not.
        return not any(b < 9 or 13 < b < 32 for b in head)
    return True


def _zip_names(file: Any) -> list[str] | None:
    try:
        file.seek(0)
        with zipfile.ZipFile(file) as archive:
            names = archive.namelist()
            mimetype = ""
            if "mimetype" in names:
                mimetype = archive.read("mimetype")[:100].decode("ascii", "replace").strip()
        file.seek(0)
    except (zipfile.BadZipFile, OSError, ValueError, AttributeError, EOFError):
        _rewind(file)
        return None
    return [*names, f"mimetype:{mimetype}"]


def _matches(kind: str, head: bytes, file: Any, *, complete: bool) -> bool:
    if kind == "pdf":
        return head.startswith(b"%PDF-")
    if kind == "png":
        return head.startswith(b"\x89PNG\r\n\x1a\n")
    if kind == "jpeg":
        return head.startswith(b"\xff\xd8\xff")
    if kind == "gif":
        return head.startswith((b"GIF87a", b"GIF89a"))
    if kind == "webp":
        return head[:4] == b"RIFF" and head[8:12] == b"WEBP"
    if kind == "text":
        return _is_text(head, complete=complete)
    if kind == "json":
        start = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
        return start in (b"{", b"[") and _is_text(head, complete=complete)
    if kind == "xml":
        start = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
        return start == b"<" and _is_text(head, complete=complete)
    if kind in {"xlsx", "docx", "ods", "odt", "zip"}:
        if not head.startswith(_ZIP_MAGIC):
            return False
        if kind == "zip":
            return True
        names = _zip_names(file)
        if names is None:
            return False
        if kind == "xlsx":
            return "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names)
        if kind == "docx":
            return "[Content_Types].xml" in names and any(n.startswith("word/") for n in names)
        if kind == "ods":
            return "mimetype:application/vnd.oasis.opendocument.spreadsheet" in names
        if kind == "odt":
            return "mimetype:application/vnd.oasis.opendocument.text" in names
    return False


def upload_check(
    file: Any,
    *,
    extensions: Iterable[str],
    max_bytes: int | None = None,
    allow_empty: bool = False,
) -> UploadInfo:
    """Accept `file` or raise `UploadError` saying why; the file is left at position 0.

    `file` is a Django `UploadedFile` (or any binary file object with a `name`).
    """
    allowed = tuple(e.lower() for e in extensions)
    unknown = [e for e in allowed if e not in KINDS]
    if unknown:  # a programming error, not a person's
        raise ValueError(f"No content check for {unknown}; add them to core.uploads.KINDS.")
    if file is None:
        raise UploadError(_("Choose a file to upload."))
    name = PurePath(str(getattr(file, "name", "") or "")).name
    extension = PurePath(name).suffix.lower()
    if extension not in allowed:
        raise UploadError(
            _("This type of file is not accepted. Upload one of: %(types)s.")
            % {"types": ", ".join(allowed)}
        )
    limit = settings.EDILE_MAX_UPLOAD_BYTES if max_bytes is None else max_bytes
    head = _read_head(file)
    size = _size(file, head)
    if size > limit:
        raise UploadError(
            _("The file is too large (%(size)s; the limit is %(limit)s).")
            % {"size": filesizeformat(size), "limit": filesizeformat(limit)}
        )
    if not size and not allow_empty:
        raise UploadError(_("The file is empty."))
    kind, content_type = KINDS[extension]
    if size and not _matches(kind, head, file, complete=size <= len(head)):
        if kind in {"text", "json", "xml"}:
            raise UploadError(
                _(
                    "The file is not plain %(ext)s data: it holds binary content or web-page "
                    "markup, which is not accepted."
                )
                % {"ext": extension}
            )
        raise UploadError(
            _(
                "The file's content does not match its extension %(ext)s. Export it again "
                "as a real %(ext)s file."
            )
            % {"ext": extension}
        )
    return UploadInfo(extension=extension, kind=kind, size=size, content_type=content_type)


@deconstructible
class UploadValidator:
    """A form (or model) field validator running `upload_check` with the given extensions."""

    def __init__(self, extensions: Iterable[str], max_bytes: int | None = None) -> None:
        self.extensions = tuple(extensions)
        self.max_bytes = max_bytes

    def __call__(self, file: Any) -> None:
        try:
            upload_check(file, extensions=self.extensions, max_bytes=self.max_bytes)
        except UploadError as exc:
            raise ValidationError(exc.message, code="invalid_upload") from None

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, UploadValidator)
            and self.extensions == other.extensions
            and self.max_bytes == other.max_bytes
        )

    def __hash__(self) -> int:
        return hash((self.extensions, self.max_bytes))

"""Public exports built as files in the background, and served whole with `ETag`.

A harvester must get the whole DCAT-AP catalogue or an error, never an HTTP 200 cut off by
gunicorn's timeout (issue 15). So each public export is written once to the default storage
and served from there; the dynamic stream remains the fallback while no fresh file exists.

An app registers its public exports in its own `exportfiles.py` (discovered at start-up by
`core.apps`), with the models whose writes change them::

    register(
        "grants.iati.xml",
        write_iati,                      # writes the whole file to a binary file object
        filename="iati-activities.xml",
        content_type="application/xml; charset=utf-8",
    )
    watch("grants.iati.xml", Call, Application, Grant)

- **Building** (`build(key)`): the builder writes to a local temporary file while a SHA-256
  is computed; the file is then saved to the default storage under a new unique name
  (FileSystemStorage or an S3 bucket alike) and the `ExportFile` row switches to it in one
  transaction: a reader gets the old file or the new one, never half of one. The old file is
  deleted after the switch. An export whose text depends on the language (`per_language`) is
  built once per language of `settings.LANGUAGES`.
- **Staleness**: a `post_save` / `post_delete` (or `m2m_changed`) of a watched model asks, on
  transaction commit, to mark the export stale and to enqueue `core.tasks.export_file_build`
  — at most one per key and transaction, and one pending build per key across processes
  (`build_pending`). A write during a build bumps `generation`, so that build leaves the
  file stale and the next one runs.
- **Serving** (`serve(request, key)`): the fresh file with `ETag` (its SHA-256),
  `Last-Modified`, `Content-Length` and `Content-Disposition`; a conditional GET that
  matches answers 304. `None` when there is no fresh file: the view then answers dynamically.
- **Bulk loads** (`deferred()`): the demo and bench loaders write thousands of rows; inside
  `with deferred():` nothing is enqueued and each export touched is built once, at exit.

Only exports that are the same for every reader are files: anything that depends on who asks
(an analyst's confidential CSV, a signed-in user's wider catalogue) stays dynamic and is never
written to a shared file.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import tempfile
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import IO, Any

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import FileResponse, HttpRequest, HttpResponseBase
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date

from edile.core.models import ExportFile

logger = logging.getLogger(__name__)

STORAGE_DIRECTORY = "exports"

Builder = Callable[[IO[bytes]], None]


@dataclass(frozen=True)
class ExportSpec:
    """One public export: how to write it and how to serve it."""

    key: str
    write: Builder
    filename: str
    content_type: str
    per_language: bool = False
    attachment: bool = False

    def languages(self) -> list[str]:
        if not self.per_language:
            return [""]
        return [code for code, _name in settings.LANGUAGES]


_REGISTRY: dict[str, ExportSpec] = {}


def register(
    key: str,
    write: Builder,
    *,
    filename: str,
    content_type: str,
    per_language: bool = False,
    attachment: bool = False,
) -> ExportSpec:
    """Declare a public export (idempotent: registering a key again replaces it)."""
    spec = ExportSpec(key, write, filename, content_type, per_language, attachment)
    _REGISTRY[key] = spec
    return spec


def registered() -> list[str]:
    return sorted(_REGISTRY)


def spec_for(key: str) -> ExportSpec:
    try:
        return _REGISTRY[key]
    except KeyError:
        raise KeyError(
            f"No export registered as {key!r} (known: {', '.join(registered())})"
        ) from None


# ---- building


class _HashingWriter:
    """A binary file object that counts and hashes what goes through it."""

    def __init__(self, target: IO[bytes]) -> None:
        self.target = target
        self.digest = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes | str) -> int:
        if isinstance(data, str):
            data = data.encode("utf-8")
        self.digest.update(data)
        self.size += len(data)
        self.target.write(data)
        return len(data)

    def writelines(self, lines: Iterable[bytes | str]) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        self.target.flush()


def write_chunks(out: IO[bytes], chunks: Iterable[bytes | str]) -> None:
    """Write a dynamic export's chunks (text or bytes) to the file being built."""
    for chunk in chunks:
        out.write(chunk.encode("utf-8") if isinstance(chunk, str) else chunk)


def _new_name(spec: ExportSpec, language: str) -> str:
    """A name no other build uses: `exports/grants.iati.xml-fr-<12 hex>.xml`."""
    suffix = PurePosixPath(spec.filename).suffix
    return f"{STORAGE_DIRECTORY}/{spec.key}-{language or 'all'}-{uuid.uuid4().hex[:12]}{suffix}"


def build(key: str) -> list[ExportFile]:
    """Write `key`'s file(s) now and switch the rows to them (see the module's docstring)."""
    spec = spec_for(key)
    rows = []
    for language in spec.languages():
        row, _created = ExportFile.objects.get_or_create(key=key, language=language)
        generation = row.generation
        with tempfile.TemporaryFile() as scratch:
            writer = _HashingWriter(scratch)
            with translation.override(language or settings.LANGUAGE_CODE):
                spec.write(writer)  # type: ignore[arg-type]
            scratch.flush()
            scratch.seek(0)
            name = default_storage.save(_new_name(spec, language), File(scratch))
        with transaction.atomic():
            row = ExportFile.objects.select_for_update().get(pk=row.pk)
            old = row.path
            row.path = name
            row.size = writer.size
            row.sha256 = writer.digest.hexdigest()
            row.built_at = timezone.now()
            # A write committed while this build ran bumped the generation: still stale.
            row.stale = row.generation != generation
            row.save()
        if old and old != name:
            _delete_quietly(old)
        rows.append(row)
    return rows


def _delete_quietly(name: str) -> None:
    try:
        default_storage.delete(name)
    except OSError:  # pragma: no cover - a file already gone is what we wanted
        logger.warning("Could not delete the old export file %s", name)


def mark_stale(key: str) -> None:
    """The data behind `key` changed: stop serving its file until the next build."""
    spec = spec_for(key)
    for language in spec.languages():
        ExportFile.objects.get_or_create(key=key, language=language)
    ExportFile.objects.filter(key=key).update(stale=True, generation=F("generation") + 1)


def schedule(key: str) -> bool:
    """Mark `key` stale and enqueue one build, unless one is already pending. Returns whether
    a build was enqueued."""
    from edile.core.tasks import export_file_build

    with transaction.atomic():
        mark_stale(key)
        claimed = ExportFile.objects.filter(key=key, build_pending=False).update(build_pending=True)
    if not claimed:
        return False
    export_file_build.enqueue(key=key)
    return True


def run_pending_build(key: str) -> None:
    """The task's body: free the key for the next write's build, then build."""
    ExportFile.objects.filter(key=key).update(build_pending=False)
    build(key)


# ---- staleness from writes


class _State(threading.local):
    depth = 0
    touched: set[str]


_state = _State()


class _AfterCommit:
    """The on-commit callback of one key (recognised so that a transaction holds one)."""

    def __init__(self, key: str) -> None:
        self.key = key
        self.done = False

    def __call__(self) -> None:
        self.done = True
        schedule(self.key)


def touch(key: str) -> None:
    """The data behind `key` is being written: rebuild it once the transaction commits."""
    if _state.depth:
        _state.touched.add(key)
        return
    connection = transaction.get_connection()
    if connection.in_atomic_block and any(
        isinstance(callback, _AfterCommit) and callback.key == key and not callback.done
        for _savepoints, callback, _robust in connection.run_on_commit
    ):
        return
    # robust: a failure to enqueue is logged, never turned into an error of the write.
    transaction.on_commit(_AfterCommit(key), robust=True)


def watch(key: str, *senders: type[models.Model], m2m: Iterable[Any] = ()) -> Callable[[], None]:
    """Rebuild `key` after any save or delete of `senders` (or change of the `m2m` through
    models). Call it from the app's `exportfiles.py`; returns what disconnects it (tests)."""

    def changed(sender: Any, **kwargs: Any) -> None:
        touch(key)

    connected: list[tuple[Any, Any, str]] = []
    for sender in senders:
        uid = f"exportfiles:{key}:{sender._meta.label}"
        connected += [(post_save, sender, uid + ":save"), (post_delete, sender, uid + ":delete")]
    for through in m2m:
        connected.append((m2m_changed, through, f"exportfiles:{key}:{through._meta.label}:m2m"))
    for signal, sender, uid in connected:
        signal.connect(changed, sender=sender, weak=False, dispatch_uid=uid)

    def disconnect() -> None:
        for signal, sender, uid in connected:
            signal.disconnect(sender=sender, dispatch_uid=uid)

    return disconnect


def unregister(key: str) -> None:
    _REGISTRY.pop(key, None)


@contextlib.contextmanager
def deferred(*keys: str) -> Iterator[None]:
    """Suppress per-row rebuilds during a bulk load, then build each touched export (and
    `keys`, for loaders that write with `bulk_create`, which sends no signal) once at exit.
    On an error the touched exports are only marked stale."""
    outermost = _state.depth == 0
    if outermost:
        _state.touched = set()
    _state.touched.update(keys)
    _state.depth += 1
    try:
        yield
    except BaseException:
        _state.depth -= 1
        if outermost:
            for key in sorted(_state.touched):
                mark_stale(key)
        raise
    _state.depth -= 1
    if outermost:
        for key in sorted(_state.touched):
            mark_stale(key)
            build(key)


# ---- serving


def _row_language(spec: ExportSpec) -> str:
    if not spec.per_language:
        return ""
    codes = spec.languages()
    language = translation.get_language() or settings.LANGUAGE_CODE
    for candidate in (language, language.split("-")[0], settings.LANGUAGE_CODE):
        if candidate in codes:
            return candidate
    return codes[0]


def fresh_file(key: str) -> ExportFile | None:
    """The fresh file of `key` in the current language, or None."""
    spec = spec_for(key)
    return (
        ExportFile.objects.filter(key=key, language=_row_language(spec), stale=False)
        .exclude(path="")
        .first()
    )


def _file_headers(response: HttpResponseBase, spec: ExportSpec, row: ExportFile) -> None:
    assert row.built_at is not None
    response["ETag"] = row.etag
    response["Last-Modified"] = http_date(row.built_at.timestamp())
    # Revalidate each time (cheap: a 304), so that a rebuilt file is seen at once.
    response["Cache-Control"] = "public, no-cache"
    response["X-Edile-Export"] = "file"
    if spec.per_language:
        patch_vary_headers(response, ["Accept-Language", "Cookie"])


def serve(request: HttpRequest, key: str) -> HttpResponseBase | None:
    """The stored file of `key` (or 304), or None when there is no fresh file to serve."""
    spec = spec_for(key)
    row = fresh_file(key)
    if row is None or row.built_at is None:
        return None
    conditional = get_conditional_response(
        request, etag=row.etag, last_modified=int(row.built_at.timestamp())
    )
    if conditional is not None:
        _file_headers(conditional, spec, row)
        return conditional
    try:
        handle = default_storage.open(row.path, "rb")
    except OSError:
        logger.warning("Export file %s of %s is missing: answering dynamically", row.path, key)
        return None
    response = FileResponse(
        handle,
        content_type=spec.content_type,
        as_attachment=spec.attachment,
        filename=spec.filename,
    )
    response["Content-Length"] = str(row.size)
    response["X-Content-Type-Options"] = "nosniff"
    _file_headers(response, spec, row)
    return response

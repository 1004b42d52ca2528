"""Figures computed after the writes that change them, never on a reader's request.

An app registers a summary by name with the function that computes its payload::

    summary_register("grants.dashboard", compute=_dashboard, version=1)

and reads it with `summary_get("grants.dashboard", variant=..., language=..., audience=...)`:
the stored row (`core.Summary`), fronted by the shared cache. A reader computes only when no
row exists at all (first boot, or a variant nobody asked for yet, or a row left by another
version of the code): it computes once and stores it for everyone after. Every write that
changes the figures calls `summary_refresh_later(name)`: on commit, one deduplicated
background task (`summary_refresh_task`) recomputes every stored row of that name.
`manage.py refresh_summaries` (cron, and after each deploy) computes the registered default
variants and refreshes the rest. `deferred()` holds refreshes during bulk loads and runs each
once at the end. See docs/decisions/core-summaries.md.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.models import Q
from django.db.models.signals import post_delete, post_save
from django.utils import timezone, translation
from django_tasks import task

from edile.core.models import Summary

# How long a reader's worker keeps a row in the shared cache; a refresh replaces it at once.
CACHE_SECONDS = 3600
SEPARATOR = "|"

Compute = Callable[[str, str], Any]  # (variant, audience) -> JSON payload, in the language


@dataclass(frozen=True)
class Registration:
    name: str
    compute: Compute
    version: int = 1
    # (variant, language, audience) computed by `refresh_summaries` even before anyone asks.
    defaults: Callable[[], Iterable[tuple[str, str, str]]] = field(default=lambda: ())


_registry: dict[str, Registration] = {}
_state = threading.local()


@dataclass(frozen=True)
class SummaryValue:
    payload: Any
    computed_at: dt.datetime


def summary_register(
    name: str,
    *,
    compute: Compute,
    version: int = 1,
    defaults: Callable[[], Iterable[tuple[str, str, str]]] | None = None,
) -> None:
    """Declare a summary. `compute(variant, audience)` runs in the row's language (activated)
    and returns plain JSON; bump `version` when the payload's shape changes."""
    if SEPARATOR in name:
        raise ValueError(f"A summary name cannot contain {SEPARATOR!r}: {name!r}")
    _registry[name] = Registration(name, compute, version, defaults or (lambda: ()))


def registered() -> dict[str, Registration]:
    return dict(_registry)


def _row_key(name: str, variant: str) -> str:
    return f"{name}{SEPARATOR}{variant}" if variant else name


def _cache_key(registration: Registration, key: str, language: str, audience: str) -> str:
    return f"summary:v{registration.version}:{key}:{language}:{audience}".replace(" ", "_")


def _plain(payload: Any) -> Any:
    """What the database will give back: JSON (Decimals and dates become strings)."""
    return json.loads(json.dumps(payload, cls=DjangoJSONEncoder))


def _compute_and_store(
    registration: Registration, variant: str, language: str, audience: str
) -> SummaryValue:
    with translation.override(language or settings.LANGUAGE_CODE):
        payload = _plain(registration.compute(variant, audience))
    key = _row_key(registration.name, variant)
    now = timezone.now()
    Summary.objects.update_or_create(
        key=key,
        language=language,
        audience=audience,
        defaults={
            "payload": payload,
            "computed_at": now,
            "source_version": registration.version,
        },
    )
    value = SummaryValue(payload, now)
    cache.set(_cache_key(registration, key, language, audience), value, CACHE_SECONDS)
    return value


def summary_get(
    name: str, *, variant: str = "", language: str = "", audience: str = ""
) -> SummaryValue:
    """The stored figures: from the cache, else the database row (one query), else computed
    once and stored (no row at all yet). Never recomputed because a write happened: that is
    the background task's job."""
    registration = _registry[name]
    key = _row_key(name, variant)
    cache_key = _cache_key(registration, key, language, audience)
    value = cache.get(cache_key)
    if value is not None:
        return value
    row = (
        Summary.objects.filter(
            key=key,
            language=language,
            audience=audience,
            source_version=registration.version,
        )
        .values("payload", "computed_at")
        .first()
    )
    if row is None:
        return _compute_and_store(registration, variant, language, audience)
    value = SummaryValue(row["payload"], row["computed_at"])
    cache.set(cache_key, value, CACHE_SECONDS)
    return value


def summary_refresh(name: str, *, since: dt.datetime | None = None) -> int:
    """Recompute every stored row of `name` (every variant, language and audience) that was
    computed before `since` (all when None). Returns how many rows were computed."""
    registration = _registry[name]
    rows = Summary.objects.filter(Q(key=name) | Q(key__startswith=f"{name}{SEPARATOR}"))
    if since is not None:
        rows = rows.filter(computed_at__lt=since)
    # Rows of another code version are recomputed too, in the current shape.
    done = 0
    for key, language, audience in list(rows.values_list("key", "language", "audience")):
        variant = key.partition(SEPARATOR)[2]
        _compute_and_store(registration, variant, language, audience)
        done += 1
    return done


def summary_refresh_defaults(name: str) -> int:
    """Compute the registered default rows that do not exist yet, then refresh the others."""
    registration = _registry[name]
    started = timezone.now()
    done = 0
    for variant, language, audience in registration.defaults():
        exists = Summary.objects.filter(
            key=_row_key(name, variant),
            language=language,
            audience=audience,
            source_version=registration.version,
        ).exists()
        if not exists:
            _compute_and_store(registration, variant, language, audience)
            done += 1
    return done + summary_refresh(name, since=started)


@task()
def summary_refresh_task(*, name: str, requested_at: str) -> int:
    """Recompute `name` unless a refresh already ran after it was requested (deduplication:
    fifty writes queue fifty tasks; the first does the work, the others find nothing older)."""
    if name not in _registry:
        return 0
    return summary_refresh(name, since=dt.datetime.fromisoformat(requested_at))


def _enqueue(name: str) -> None:
    requested_at = timezone.now().isoformat()
    if getattr(settings, "SUMMARIES_REFRESH", "on_commit") == "immediate":
        summary_refresh(name, since=dt.datetime.fromisoformat(requested_at))
        return
    summary_refresh_task.enqueue(name=name, requested_at=requested_at)


def _deferred() -> set[str] | None:
    return getattr(_state, "deferred", None)


def summary_refresh_later(*names: str) -> None:
    """Ask for `names` to be recomputed once the current transaction commits (nothing when it
    rolls back). Calls for the same name in one transaction queue one task."""
    held = _deferred()
    for name in names:
        if held is not None:
            held.add(name)
            continue
        if getattr(settings, "SUMMARIES_REFRESH", "on_commit") == "immediate":
            # Tests (their transaction never commits): the figures follow the write at once.
            _enqueue(name)
            continue
        callback = functools.partial(_enqueue, name)
        if connection.in_atomic_block and any(
            isinstance(f, functools.partial) and f.func is _enqueue and f.args == (name,)
            for _sids, f, _robust in connection.run_on_commit
        ):
            continue
        transaction.on_commit(callback)


@contextmanager
def deferred() -> Iterator[None]:
    """Hold every refresh asked inside the block; run each name once at the end (bulk loads:
    the demo, the bench). Nested blocks join the outer one."""
    if _deferred() is not None:
        yield
        return
    _state.deferred = set()
    try:
        yield
    finally:
        names = _state.deferred
        _state.deferred = None
    for name in sorted(names):
        summary_refresh_later(name)


def refresh_on_change(models: Iterable[type], *names: str) -> None:
    """Connect `post_save` and `post_delete` of `models` to `summary_refresh_later(names)`."""

    def receiver(sender: Any, **kwargs: Any) -> None:
        if kwargs.get("raw"):
            return
        summary_refresh_later(*names)

    for model in models:
        uid = f"summaries:{model._meta.label}:{','.join(names)}"
        post_save.connect(receiver, sender=model, weak=False, dispatch_uid=f"{uid}:save")
        post_delete.connect(receiver, sender=model, weak=False, dispatch_uid=f"{uid}:delete")


def language_of(language: str | None = None) -> str:
    """The row language for the current reader: "fr" or "en"."""
    return (language or translation.get_language() or settings.LANGUAGE_CODE)[:2]

"""The retention registry: each app registers, in its `AppConfig.ready`, the function that
applies a retention period to one kind of its personal data (a "target"). The register of
processing (datagov) holds the policies as data; its job asks this registry for each policy's
handler, and a system check (datagov.E001) stops start-up when a target has none — a typo can
no longer silently skip a legally required purge.

A handler is called with keyword arguments: `before` (a date: what is older goes) and, if it
was registered with `takes_action=True`, `action` ("delete" or "anonymise"). It returns how
many records it handled. This module imports no app.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class RetentionHandler:
    target: str
    function: Callable[..., int]
    takes_action: bool = False

    def __call__(self, *, before: dt.date, action: str) -> int:
        if self.takes_action:
            return int(self.function(before=before, action=action))
        return int(self.function(before=before))


_registry: dict[str, RetentionHandler] = {}


def register(target: str, function: Callable[..., int], *, takes_action: bool = False) -> None:
    """Register `function` as the handler of `target` (once; the same function again is fine)."""
    existing = _registry.get(target)
    if existing is not None and existing.function is not function:
        raise ImproperlyConfigured(f"Retention target {target!r} already has a handler.")
    _registry[target] = RetentionHandler(target, function, takes_action)


def handler_for(target: str) -> RetentionHandler | None:
    return _registry.get(target)


def registered_targets() -> set[str]:
    return set(_registry)


def unregister(target: str) -> None:
    """For tests."""
    _registry.pop(target, None)

"""Summaries: read from their stored row, computed after writes, never on a reader's request."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils import timezone, translation

from edile.core import summaries
from edile.core.models import Summary

pytestmark = pytest.mark.django_db

NAME = "test.figures"


class Counter:
    """A compute function that counts its calls and returns the current `value`."""

    def __init__(self) -> None:
        self.calls = 0
        self.value = 1

    def __call__(self, variant: str, audience: str) -> dict[str, Any]:
        self.calls += 1
        return {
            "value": self.value,
            "variant": variant,
            "audience": audience,
            "language": translation.get_language(),
        }


@pytest.fixture
def compute() -> Iterator[Counter]:
    counter = Counter()
    summaries.summary_register(
        NAME, compute=counter, defaults=lambda: [("", "fr", ""), ("", "en", "")]
    )
    yield counter
    summaries._registry.pop(NAME, None)


def test_first_read_computes_once_then_every_reader_reads_the_row(
    compute: Counter, django_assert_num_queries: Any
) -> None:
    """No row at all: the first reader computes and stores; the next ones (a new worker with
    an empty cache included) read the row in one query and compute nothing."""
    first = summaries.summary_get(NAME, variant="year=2024", language="en", audience="0")
    assert first.payload == {"value": 1, "variant": "year=2024", "audience": "0", "language": "en"}
    assert compute.calls == 1
    assert Summary.objects.get(key=f"{NAME}|year=2024", language="en", audience="0")
    cache.clear()
    with django_assert_num_queries(1):
        again = summaries.summary_get(NAME, variant="year=2024", language="en", audience="0")
    with django_assert_num_queries(0):
        summaries.summary_get(NAME, variant="year=2024", language="en", audience="0")
    assert again.payload == first.payload
    assert again.computed_at == first.computed_at
    assert compute.calls == 1


def test_a_write_serves_the_old_figures_until_its_task_has_run(
    compute: Counter, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """The production path: the refresh waits for the commit, three asks queue one task, and
    the task (immediate backend in tests) stores the new figures for every reader."""
    settings.SUMMARIES_REFRESH = "on_commit"
    summaries.summary_get(NAME, language="fr")
    compute.value = 2
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        summaries.summary_refresh_later(NAME)
        summaries.summary_refresh_later(NAME)
        summaries.summary_refresh_later(NAME)
        assert summaries.summary_get(NAME, language="fr").payload["value"] == 1
    assert len(callbacks) == 1
    assert compute.calls == 2
    cache.clear()
    assert summaries.summary_get(NAME, language="fr").payload["value"] == 2


def test_a_rolled_back_write_refreshes_nothing(
    compute: Counter, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.SUMMARIES_REFRESH = "on_commit"
    summaries.summary_get(NAME)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                summaries.summary_refresh_later(NAME)
                raise RuntimeError("the write fails")
        except RuntimeError:
            pass
    assert callbacks == []
    assert compute.calls == 1


def test_a_task_requested_before_the_last_refresh_does_nothing(compute: Counter) -> None:
    """Deduplication across queued tasks: the first recomputes, the later ones find no row
    older than their request."""
    before = (timezone.now() - dt.timedelta(seconds=5)).isoformat()
    summaries.summary_get(NAME)
    assert summaries.summary_refresh_task.call(name=NAME, requested_at=before) == 0
    later = (timezone.now() + dt.timedelta(seconds=1)).isoformat()
    assert summaries.summary_refresh_task.call(name=NAME, requested_at=later) == 1
    assert compute.calls == 2


def test_deferred_holds_refreshes_and_runs_each_once_at_the_end(compute: Counter) -> None:
    """Bulk loads (demo, bench): a thousand writes, one refresh."""
    summaries.summary_get(NAME)
    compute.value = 5
    with summaries.deferred():
        for _ in range(10):
            summaries.summary_refresh_later(NAME)
        with summaries.deferred():
            summaries.summary_refresh_later(NAME)
        assert compute.calls == 1
    assert compute.calls == 2
    assert summaries.summary_get(NAME).payload["value"] == 5


def test_every_stored_variant_language_and_audience_is_refreshed(compute: Counter) -> None:
    summaries.summary_get(NAME, variant="a", language="fr", audience="0")
    summaries.summary_get(NAME, variant="b", language="en", audience="1")
    compute.value = 7
    assert summaries.summary_refresh(NAME) == 2
    cache.clear()
    b = summaries.summary_get(NAME, variant="b", language="en", audience="1")
    assert b.payload == {"value": 7, "variant": "b", "audience": "1", "language": "en"}


def test_a_row_of_another_code_version_is_never_served(compute: Counter) -> None:
    summaries.summary_get(NAME)
    Summary.objects.filter(key=NAME).update(source_version=0, payload={"old": "shape"})
    cache.clear()
    assert summaries.summary_get(NAME).payload["value"] == 1
    assert Summary.objects.get(key=NAME).source_version == 1


def test_refresh_summaries_command_computes_the_defaults(compute: Counter) -> None:
    out = _call("refresh_summaries", NAME)
    assert f"{NAME}: 2 rows" in out
    assert set(Summary.objects.filter(key=NAME).values_list("language", flat=True)) == {"fr", "en"}
    # Run again (cron): both rows recomputed, none added.
    assert f"{NAME}: 2 rows" in _call("refresh_summaries", NAME)
    assert compute.calls == 4


def test_refresh_summaries_command_refuses_an_unknown_name(compute: Counter) -> None:
    with pytest.raises(CommandError, match="Unknown summaries: nope"):
        call_command("refresh_summaries", "nope")


def _call(*args: str) -> str:
    from io import StringIO

    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()

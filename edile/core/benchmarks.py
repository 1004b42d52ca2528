"""Helpers for `make bench`: median time and SQL query count of a request, the same SQL
replayed raw (the ratio says how much time the Python side costs), and peak memory.

The `bench` command calls `begin(app, size)` before each app's `run(out)`; the first
measurement after that runs ANALYZE (PostgreSQL plans nonsense on tables it has never
analysed; SQLite's planner uses the statistics too), so every app's figures are taken on
analysed tables, whatever its `run` does.
"""

from __future__ import annotations

import statistics
import time
import tracemalloc
from collections.abc import Callable, Iterable
from typing import Any, TextIO

from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext

_state: dict[str, Any] = {"app": "", "size": "", "analyzed": True}


def begin(app: str, size: str = "") -> None:
    """Called by the `bench` command before an app's `run`: what it measures and at what size."""
    _state.update(app=app, size=size, analyzed=False)


def analyze() -> None:
    """Refresh the planner's statistics after loading data (both databases)."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    _state["analyzed"] = True


def _analyzed() -> None:
    if not _state["analyzed"]:
        analyze()


def measure(
    out: TextIO,
    label: str,
    url: str,
    *,
    client: Client | None = None,
    repeat: int = 5,
    stream: bool = False,
) -> dict[str, Any]:
    """GET `url` `repeat` times; print and return median milliseconds, queries and bytes of
    one run (a streamed body is always read to its end; `stream` is kept for old callers)."""
    _analyzed()
    client = client or Client()
    timings = []
    queries = 0
    status = 0
    size_bytes = 0
    for _ in range(repeat):
        # The query log is a bounded deque: once full (after data generation) it stops growing.
        reset_queries()
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(url)
            if getattr(response, "streaming", False):
                chunks: Iterable[bytes] = getattr(response, "streaming_content", [])
                size_bytes = sum(len(chunk) for chunk in chunks)
            else:
                size_bytes = len(response.content)
            timings.append((time.perf_counter() - start) * 1000)
        queries = len(captured.captured_queries)
        status = response.status_code
    median = statistics.median(timings)
    size = f"  [{_state['size']}]" if _state["size"] else ""
    out.write(
        f"  {label:<48} {median:9.1f} ms  {queries:4d} queries  {size_bytes / 1024:8.1f} KB"
        f"  (HTTP {status}){size}\n"
    )
    return {
        "label": label,
        "median_ms": median,
        "queries": queries,
        "status": status,
        "bytes": size_bytes,
    }


def measure_against_raw(
    out: TextIO, label: str, url: str, *, client: Client | None = None, repeat: int = 7
) -> dict[str, Any]:
    """Time an endpoint, then the very SQL it ran (same statements, same parameters) replayed
    with a bare cursor, fetching every row: the ratio is what Django and Python add."""
    _analyzed()
    client = client or Client()
    recorded: list[tuple[str, Any, bool]] = []

    def record(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        recorded.append((sql, params, many))
        return execute(sql, params, many, context)

    client.get(url)  # warm-up (caches, first-request work)
    timings, raw_timings = [], []
    status = 0
    for _ in range(repeat):
        recorded.clear()
        with connection.execute_wrapper(record):
            start = time.perf_counter()
            response = client.get(url)
            _ = response.content
            timings.append((time.perf_counter() - start) * 1000)
        status = response.status_code
        statements = list(recorded)
        start = time.perf_counter()
        with connection.cursor() as cursor:
            for sql, params, many in statements:
                if many:
                    continue
                cursor.execute(sql, params)
                if cursor.description is not None:
                    cursor.fetchall()
        raw_timings.append((time.perf_counter() - start) * 1000)
    median, raw = statistics.median(timings), statistics.median(raw_timings)
    ratio = median / raw if raw else float("inf")
    size = f"  [{_state['size']}]" if _state["size"] else ""
    out.write(
        f"  {label:<48} {median:9.1f} ms  {len(statements):4d} queries  (HTTP {status}); "
        f"its SQL raw {raw:.1f} ms, ratio {ratio:.1f}×{size}\n"
    )
    return {
        "label": label,
        "median_ms": median,
        "raw_ms": raw,
        "ratio": ratio,
        "queries": len(statements),
        "status": status,
    }


def peak_memory(func: Callable[[], Any]) -> tuple[Any, int]:
    """Run `func` and return (its result, peak Python memory in bytes while it ran)."""
    tracemalloc.start()
    try:
        result = func()
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result, peak

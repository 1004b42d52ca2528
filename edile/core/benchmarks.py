"""Helpers for `make bench`: median time and SQL query count of a request, and peak memory."""

from __future__ import annotations

import statistics
import time
import tracemalloc
from collections.abc import Callable
from typing import Any, TextIO

from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext


def measure(
    out: TextIO,
    label: str,
    url: str,
    *,
    client: Client | None = None,
    repeat: int = 5,
    stream: bool = False,
) -> dict[str, Any]:
    """GET `url` `repeat` times; print and return median milliseconds and queries of one run."""
    client = client or Client()
    timings = []
    queries = 0
    status = 0
    for _ in range(repeat):
        # The query log is a bounded deque: once full (after data generation) it stops growing.
        reset_queries()
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(url)
            if stream and getattr(response, "streaming", False):
                for _chunk in response.streaming_content:
                    pass
            else:
                _ = response.content
            timings.append((time.perf_counter() - start) * 1000)
        queries = len(captured.captured_queries)
        status = response.status_code
    median = statistics.median(timings)
    out.write(f"  {label:<48} {median:9.1f} ms  {queries:4d} queries  (HTTP {status})\n")
    return {"label": label, "median_ms": median, "queries": queries, "status": status}


def peak_memory(func: Callable[[], Any]) -> tuple[Any, int]:
    """Run `func` and return (its result, peak Python memory in bytes while it ran)."""
    tracemalloc.start()
    try:
        result = func()
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result, peak

"""Helpers for `make bench`: median time and SQL query count of a request, the same SQL
replayed raw (the ratio says how much time the Python side costs), and peak memory.

The `bench` command calls `begin(app, size)` before each app's `run(out)`; the first
measurement after that runs ANALYZE (PostgreSQL plans nonsense on tables it has never
analysed; SQLite's planner uses the statistics too), so every app's figures are taken on
analysed tables, whatever its `run` does.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import time
import tracemalloc
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
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


# --- over HTTP: our app under gunicorn against another server (Datasette) on the same data


@contextmanager
def served(argv: list[str], port: int, *, env: dict[str, str] | None = None) -> Iterator[str]:
    """Start a server on 127.0.0.1:`port`, wait until it answers, yield its base URL, and
    stop it (only the process started here) on the way out."""
    process = subprocess.Popen(  # noqa: S603 (our own argv)
        argv,
        env={**os.environ, **(env or {})},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"{' '.join(argv[:3])} … exited with {process.returncode}")
            try:
                # Any HTTP answer (even an error status) means the server is up.
                urllib.request.urlopen(base + "/", timeout=5).close()  # noqa: S310 (127.0.0.1)
                break
            except urllib.error.HTTPError:
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"nothing answers on port {port}") from None
                time.sleep(0.5)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def throughput(url: str, *, seconds: float = 5.0, clients: int = 6) -> tuple[float, int]:
    """Requests per second that `clients` concurrent clients get from `url` (status 200 only
    counted), and the number of failed requests."""
    import threading

    urllib.request.urlopen(url, timeout=30).read()  # noqa: S310 (127.0.0.1) — warm-up
    done = [0] * clients
    failed = [0] * clients
    stop = time.monotonic() + seconds

    def client(index: int) -> None:
        while time.monotonic() < stop:
            try:
                with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310
                    response.read()
                    done[index] += 1
            except OSError:
                failed[index] += 1

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    start = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(done) / (time.monotonic() - start), sum(failed)


def compare_over_http(
    out: TextIO, pairs: list[tuple[str, str, str]], *, seconds: float = 5.0, clients: int = 6
) -> None:
    """For each (label, path on our app, path on Datasette): requests per second of both,
    interleaved in one run, our app under gunicorn (1 worker) and Datasette (1 process) on
    the same SQLite file. Skipped, with the reason printed, where it cannot run."""
    import base64
    import importlib.util
    import secrets
    import sys

    if connection.vendor != "sqlite":
        out.write("  (Datasette comparison: SQLite only, skipped on this database)\n")
        return
    if importlib.util.find_spec("datasette") is None:
        out.write(
            "  (Datasette comparison skipped: datasette is not installed; it is in the dev extra)\n"
        )
        return
    database = str(connection.settings_dict["NAME"])
    port = int(os.environ.get("BENCH_PORT", "8180"))
    ours_env = {
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "FIELD_ENCRYPTION_KEY": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": f"sqlite:///{database}",
        "LOG_LEVEL": "WARNING",
    }
    gunicorn = [
        sys.executable,
        "-m",
        "gunicorn",
        "edile.wsgi",
        "-w",
        "1",
        "-b",
        f"127.0.0.1:{port}",
    ]
    datasette = [
        sys.executable, "-m", "datasette", "serve", database, "-h", "127.0.0.1", "-p", str(port + 1),
        "--setting", "sql_time_limit_ms", "20000", "--setting", "num_sql_threads", "1",
    ]  # fmt: skip
    out.write(
        f"  over HTTP, {clients} concurrent clients, {seconds:.0f} s each; gunicorn 1 worker "
        "vs Datasette 1 process, same SQLite file:\n"
    )
    with served(gunicorn, port, env=ours_env) as ours, served(datasette, port + 1) as theirs:
        for label, our_path, their_path in pairs:
            mine, mine_failed = throughput(ours + our_path, seconds=seconds, clients=clients)
            other, other_failed = throughput(theirs + their_path, seconds=seconds, clients=clients)
            ratio = mine / other if other else float("inf")
            failures = (
                f", failures {mine_failed}/{other_failed}" if mine_failed or other_failed else ""
            )
            out.write(
                f"  {label:<48} Édile {mine:7.1f} req/s, Datasette {other:7.1f} req/s, "
                f"ratio {ratio:.2f}×{failures}\n"
            )


def refresh_summaries(out: TextIO, *names: str) -> None:
    """Compute `names` as the background task would after the load (edile.core.summaries),
    print how long it took, and empty the cache: the pages measured next are a new worker's
    cold-cache requests reading the stored rows."""
    from django.core.cache import cache

    from edile.core import summaries

    for name in names:
        start = time.perf_counter()
        rows = summaries.summary_refresh_defaults(name)
        elapsed = time.perf_counter() - start
        out.write(f"  summary {name}: {rows} rows computed in {elapsed:.2f} s (background)\n")
    cache.clear()

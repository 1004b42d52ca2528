"""`make loadtest`: 50 concurrent users for 60 s against the production-like server.

Copies the demo database (var/edile.sqlite3, made by `make run`), or uses
LOADTEST_DATABASE_URL, a PostgreSQL database of its own (migrated, demo loaded), opens the
demo congress's registration there, collects the static files, starts gunicorn (several workers, DEBUG off, the shared database cache) on
127.0.0.1 only, and runs a bounded mix of public pages, API lists and writes (congress
registrations through the API). Prints errors by status, p50/p95/p99 and throughput.

    make loadtest                      # SQLite copy, 50 users, 60 s, 3 workers
    make loadtest LOADTEST_ARGS="--users 20 --duration 30 --workers 4"
    LOADTEST_DATABASE_URL=postgres://.../edile_loadtest make loadtest
                         # a database of its own: migrated, demo loaded, registrations added
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import itertools
import json
import os
import random
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var"
BIN = Path(sys.executable).parent

PAGES = [
    "/fr/",
    "/en/",
    "/fr/members/",
    "/fr/governance/",
    "/fr/grants/",
    "/fr/observatory/",
    "/fr/observatory/statistics/",
    "/fr/data/",
]
API_LISTS = [
    "/api/v1/members/local-governments?limit=50",
    "/api/v1/governance/meetings",
    "/api/v1/governance/resolutions",
    "/api/v1/grants/projects",
    "/api/v1/observatory/incidents",
    "/api/v1/observatory/statistics",
    "/api/v1/datagov/datasets",
]
CONGRESS = "phnom-penh-2019"
OPEN_REGISTRATION = f"""
import datetime as dt
from django.utils import timezone
from edile.governance.models import Meeting
Meeting.objects.filter(slug={CONGRESS!r}).update(
    registration_opens=timezone.now() - dt.timedelta(days=1),
    registration_closes=timezone.now() + dt.timedelta(days=1),
)
"""


def _percentile(values: list[float], q: float) -> float:
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def _prepare_sqlite(env: dict[str, str]) -> Path:
    source = VAR / "edile.sqlite3"
    target = VAR / "loadtest.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    if source.exists():
        print(f"Copying the demo database {source} → {target}")
        src, dst = sqlite3.connect(source), sqlite3.connect(target)
        src.backup(dst)
        dst.close()
        src.close()
        env["DATABASE_URL"] = f"sqlite:///{target}"
        _manage(env, "migrate", "--no-input", "-v0")
    else:
        print(f"No {source} (run `make run` once): building the demo database in {target}")
        env["DATABASE_URL"] = f"sqlite:///{target}"
        _manage(env, "migrate", "--no-input", "-v0")
        _manage(env, "load_demo")
    return target


def _manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


def _wait(port: int, proc: subprocess.Popen, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit("gunicorn stopped; see var/loadtest-gunicorn.log")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.3)
    raise SystemExit(f"gunicorn did not answer on port {port}")


class Stats:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.by_kind: dict[str, list[float]] = {"page": [], "api": [], "write": []}
        self.statuses: Counter[str] = Counter()
        self.errors: Counter[str] = Counter()

    def add(self, kind: str, status: str, seconds: float, ok: bool) -> None:
        with self.lock:
            self.latencies.append(seconds)
            self.by_kind[kind].append(seconds)
            self.statuses[status] += 1
            if not ok:
                self.errors[f"{kind} {status}"] += 1


def _request(port: int, method: str, path: str, body: bytes | None, headers: dict) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def _user(n: int, port: int, until: float, stats: Stats, counter: itertools.count) -> None:
    rng = random.Random(n)
    headers = {"Host": "127.0.0.1", "User-Agent": "edile-loadtest", "X-Forwarded-Proto": "https"}
    while time.monotonic() < until:
        roll = rng.random()
        if roll < 0.45:
            kind, method, path, body = "page", "GET", rng.choice(PAGES), None
        elif roll < 0.85:
            kind, method, path, body = "api", "GET", rng.choice(API_LISTS), None
        else:
            i = next(counter)
            kind, method = "write", "POST"
            path = f"/api/v1/governance/congresses/{CONGRESS}/registrations"
            body = json.dumps(
                {
                    "given_name": "Charge",
                    "family_name": f"Test {i}",
                    "email": f"loadtest-{os.getpid()}-{i}@example.org",
                    "type": "delegation_member",
                    "gender": "unknown",
                }
            ).encode()
        started = time.monotonic()
        try:
            status = _request(
                port,
                method,
                path,
                body,
                {**headers, "Content-Type": "application/json"} if body else headers,
            )
            label, ok = str(status), status < 400
        except (OSError, http.client.HTTPException) as exc:
            label, ok = type(exc).__name__, False
        stats.add(kind, label, time.monotonic() - started, ok)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=int, default=60, help="seconds")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument("--port", type=int, default=8125)
    args = parser.parse_args()

    env = {k: v for k, v in os.environ.items() if k not in {"EDILE_TESTING"}}
    env.update(
        {
            "DEBUG": "false",
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "false",
            "TASKS_BACKEND": "immediate",
            "STATIC_ROOT": str(VAR / "loadtest-static"),
            "LOG_LEVEL": "WARNING",
        }
    )
    env.setdefault("SECRET_KEY", "loadtest-" + "k" * 60)
    # FIELD_ENCRYPTION_KEYS come from .env (written by `make install`, read by the settings):
    # the demo database was encrypted with them.
    # Never DATABASE_URL: a production environment's database must not get demo data and
    # load-test registrations by accident.
    env.pop("DATABASE_URL", None)
    if os.environ.get("LOADTEST_DATABASE_URL", "").startswith("postgres"):
        engine = "PostgreSQL"
        env["DATABASE_URL"] = os.environ["LOADTEST_DATABASE_URL"]
        print("Using LOADTEST_DATABASE_URL (PostgreSQL); loading the demo if it lacks it.")
        _manage(env, "migrate", "--no-input", "-v0")
        _manage({**env, "DEBUG": "true"}, "load_demo")  # idempotent
    else:
        engine = "SQLite"
        _prepare_sqlite(env)
    subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", OPEN_REGISTRATION],
        cwd=ROOT,
        env=env,
        check=True,
    )
    _manage(env, "collectstatic", "--no-input", "-v0")

    log = (VAR / "loadtest-gunicorn.log").open("w")
    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "edile.wsgi",
            "--workers",
            str(args.workers),
            "--bind",
            f"127.0.0.1:{args.port}",
            "--timeout",
            "60",
            "--preload",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        _wait(args.port, server)
        # Warm-up (not counted): every URL a few times, so each worker has compiled its
        # templates and filled the shared cache, as on a server that has been up a while.
        warm = [(p, None) for p in PAGES + API_LISTS] * args.workers
        for path, _body in warm:
            with contextlib.suppress(OSError, http.client.HTTPException):
                _request(args.port, "GET", path, None, {"Host": "127.0.0.1"})
        stats = Stats()
        counter = itertools.count(1)
        print(
            f"Load: {args.users} users for {args.duration} s on {engine}, "
            f"gunicorn with {args.workers} workers, 127.0.0.1:{args.port}"
        )
        started = time.monotonic()
        until = started + args.duration
        threads = [
            threading.Thread(target=_user, args=(n, args.port, until, stats, counter))
            for n in range(args.users)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - started
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        log.close()

    total = len(stats.latencies)
    print(f"\nRequests: {total} in {elapsed:.1f} s — {total / elapsed:.1f} requests/s")
    print("Statuses: " + ", ".join(f"{k}: {v}" for k, v in sorted(stats.statuses.items())))
    print(
        "Errors: "
        + (", ".join(f"{k}: {v}" for k, v in sorted(stats.errors.items())) if stats.errors else "0")
    )
    ms = [x * 1000 for x in stats.latencies]
    print(
        f"Latency (ms): p50 {_percentile(ms, 50):.0f}, p95 {_percentile(ms, 95):.0f}, "
        f"p99 {_percentile(ms, 99):.0f}, max {max(ms, default=0):.0f}"
    )
    for kind, values in stats.by_kind.items():
        v = [x * 1000 for x in values]
        print(
            f"  {kind:5s} {len(v):6d} requests: p50 {_percentile(v, 50):.0f}, "
            f"p95 {_percentile(v, 95):.0f}, p99 {_percentile(v, 99):.0f}"
        )
    shutil.rmtree(VAR / "loadtest-static", ignore_errors=True)
    return 1 if stats.errors else 0


if __name__ == "__main__":
    sys.exit(main())

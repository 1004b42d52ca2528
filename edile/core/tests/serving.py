"""Helpers for the tests that run real processes on a file database (marker `serving`)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
_TEMPLATE: dict[str, Path] = {}


def process_env(tmp: Path, **extra: str) -> dict[str, str]:
    """A development environment (DEBUG on, no test settings) on files under `tmp`."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "DEBUG",
            "SECRET_KEY",
            "EDILE_TESTING",
            "DATABASE_URL",
            "REDIS_URL",
            "FIELD_ENCRYPTION_KEY",
            "FIELD_ENCRYPTION_KEYS",
            "BACKUP_KEY",
        }
        and not k.startswith("PYTEST")
    }
    env.update(
        {
            "DEBUG": "true",
            "SECRET_KEY": "serving-test-secret-key-" + "x" * 40,
            "DATABASE_URL": f"sqlite:///{tmp / 'edile.sqlite3'}",
            "EDILE_VAR_DIR": str(tmp),
            "MEDIA_ROOT": str(tmp / "media"),
            "EDILE_ENV_FILE": str(tmp / "no.env"),
            "TASKS_BACKEND": "immediate",
            "DJANGO_SETTINGS_MODULE": "edile.settings",
        }
    )
    env.update(extra)
    return env


def manage(tmp: Path, *args: str, timeout: int = 300, **extra: str):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=process_env(tmp, **extra),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def migrated_database(tmp: Path, template_dir: Path) -> Path:
    """`tmp/edile.sqlite3`, a copy of one database migrated once per test session."""
    if "db" not in _TEMPLATE:
        template_dir.mkdir(parents=True, exist_ok=True)
        result = manage(template_dir, "migrate", "--no-input", "-v0", timeout=600)
        assert result.returncode == 0, result.stderr
        _TEMPLATE["db"] = template_dir / "edile.sqlite3"
    target = tmp / "edile.sqlite3"
    shutil.copyfile(_TEMPLATE["db"], target)
    return target


def wait_for_port(port: int, proc: subprocess.Popen, timeout: float = 60) -> None:
    """Wait until `proc` answers on `port`, then make sure it is `proc` that answers: a server
    that could not bind the port (another process took it) stops within a second, and the
    test would otherwise talk to someone else's server."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"server on {port} stopped: {proc.stderr.read()}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                time.sleep(1)
                if proc.poll() is not None:
                    raise AssertionError(f"server on {port} stopped: {proc.stderr.read()}")
                return
        time.sleep(0.2)
    raise AssertionError(f"no server on port {port} after {timeout} s")


def free_port() -> int:
    """A port the system has just handed out as free (not a fixed range that two test runs
    on one machine, or a server left running, could share)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])

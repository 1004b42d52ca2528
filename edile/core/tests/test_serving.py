"""Serving with several processes: SQLite under concurrent writes, one shared cache, the
client's address behind proxies, and a development `.env` so documented commands just work."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
import uuid
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.test import RequestFactory, override_settings

from edile.core.http import client_ip
from edile.core.tests.serving import ROOT, free_port, manage, process_env, wait_for_port


def test_sqlite_settings_take_the_write_lock_up_front_and_wait_for_it():
    """The SQLite options: WAL, a busy timeout, immediate transactions (Django 5.1+)."""
    options = settings.DATABASES["default"]["OPTIONS"]
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
        assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True
        assert settings.DATABASES["default"]["CONN_MAX_AGE"] == 60
        return
    assert options["transaction_mode"] == "IMMEDIATE"
    assert options["timeout"] == 30
    assert "PRAGMA journal_mode=WAL" in options["init_command"]


@pytest.mark.serving
def test_sixteen_threads_writing_at_once_on_a_file_sqlite_lose_nothing(tmp_path: Path):
    """16 threads × 20 read-then-write transactions on a file database: 320 rows, 0 errors
    (the old settings lost about 40 % of them to "database is locked")."""
    result = subprocess.run(
        [sys.executable, "edile/core/tests/scripts/sqlite_writers.py", "16", "20"],
        cwd=ROOT,
        env=process_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome == {"rows": 320, "errors": {}, "journal_mode": "wal"}


def _get_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - 127.0.0.1 only
        return json.loads(response.read())


def _failed_login(port: int) -> str:
    """One wrong password on the server at `port`; returns the page it answers.

    Both servers are asked as one site (`Host: 127.0.0.1`, as behind a proxy): allauth's
    per-account limit is keyed on the site's domain and the address typed."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    base = f"http://127.0.0.1:{port}"
    host = {"Host": "127.0.0.1"}
    page = (
        opener.open(urllib.request.Request(f"{base}/en/accounts/login/", headers=host), timeout=30)
        .read()
        .decode()
    )
    token = page.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    data = urlencode(
        {"csrfmiddlewaretoken": token, "login": "victim@example.org", "password": "wrong"}
    ).encode()
    request = urllib.request.Request(
        f"{base}/en/accounts/login/",
        data=data,
        headers={**host, "Referer": "http://127.0.0.1/en/accounts/login/"},
    )
    try:
        return opener.open(request, timeout=30).read().decode()
    except urllib.error.HTTPError as exc:
        return f"{exc.code} " + exc.read().decode()


def _redis_available() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS_TEST_URL, socket_timeout=1).ping())
    except Exception:  # noqa: BLE001 - no Redis here: that case is skipped
        return False


REDIS_TEST_URL = "redis://127.0.0.1:6379/5"


@pytest.mark.serving
@pytest.mark.parametrize("cache", ["database", "redis"])
def test_two_server_processes_see_the_same_cache(tmp_path: Path, file_database: Path, cache):
    """Two servers on one database, with the database cache (what development or a
    single-machine production gets without Redis) and with Redis: the observatory statistics
    cached by both follow an unpublished incident at once in both, and five failed logins on
    one server lock the sixth attempt on the other."""
    extra = {}
    if cache == "redis":
        if not _redis_available():
            pytest.skip(f"no Redis at {REDIS_TEST_URL}")
        # A prefix of its own, so that no earlier run's keys are read.
        extra = {"REDIS_URL": REDIS_TEST_URL, "CACHE_KEY_PREFIX": f"edile-test-{uuid.uuid4().hex}"}
    seed = manage(
        tmp_path,
        "shell",
        "-c",
        "from edile.accounts.tests.factories import UserFactory\n"
        "from edile.observatory.tests.factories import make_incident\n"
        "for _ in range(4): make_incident()\n"
        "UserFactory(email='victim@example.org')\n",
    )
    assert seed.returncode == 0, seed.stderr
    servers = []
    try:
        ports = []
        for _ in range(2):
            port = free_port()
            proc = subprocess.Popen(
                [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
                cwd=ROOT,
                env=process_env(tmp_path, **extra),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
            )
            servers.append(proc)
            wait_for_port(port, proc)
            ports.append(port)
        stats = [f"http://127.0.0.1:{p}/api/v1/observatory/statistics" for p in ports]
        assert [_get_json(u)["total"]["count"] for u in stats] == [4, 4]

        unpublish = manage(
            tmp_path,
            "shell",
            "-c",
            "from edile.observatory.models import Incident\n"
            "from edile.observatory.selectors import statistics_cache_invalidate\n"
            # Back to review (the public statistics count every verified incident).
            "Incident.objects.filter(pk=Incident.objects.first().pk)"
            ".update(is_published=False, verification_status='under_review')\n"
            "statistics_cache_invalidate()\n",
            **extra,
        )
        assert unpublish.returncode == 0, unpublish.stderr
        assert [_get_json(u)["total"]["count"] for u in stats] == [3, 3]

        for _ in range(5):
            assert "Too many failed login attempts" not in _failed_login(ports[0])
        assert "Too many failed login attempts" in _failed_login(ports[1])
    finally:
        for proc in servers:
            proc.terminate()
            proc.wait(timeout=30)
        if extra:
            import redis

            client = redis.Redis.from_url(REDIS_TEST_URL)
            for key in client.scan_iter(f"{extra['CACHE_KEY_PREFIX']}:*"):
                client.delete(key)


@override_settings(TRUSTED_PROXIES=["10.0.0.0/8"])
def test_client_ip_is_read_behind_trusted_proxies_only():
    """Behind a trusted proxy the client is the last untrusted X-Forwarded-For hop; from an
    untrusted address the header is ignored (anyone can forge it)."""
    rf = RequestFactory()
    behind = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.9")
    assert client_ip(behind) == "198.51.100.9"
    chain = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.9, 10.1.1.1")
    assert client_ip(chain) == "198.51.100.9"
    forged = rf.get("/", REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR="198.51.100.9")
    assert client_ip(forged) == "203.0.113.5"
    garbage = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="not-an-ip")
    assert client_ip(garbage) == "10.0.0.2"


def test_client_ip_without_trusted_proxies_ignores_forwarded_headers():
    """No TRUSTED_PROXIES: REMOTE_ADDR, whatever X-Forwarded-For says."""
    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR="1.1.1.1")
    assert client_ip(request) == "203.0.113.5"


def test_no_per_process_cache_outside_tests(tmp_path: Path):
    """Development and production settings use the database cache, or Redis with REDIS_URL."""
    code = "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"
    plain = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); " + code],
        cwd=ROOT,
        env=process_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert plain.stdout.strip() == "django.core.cache.backends.db.DatabaseCache", plain.stderr
    redis = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); " + code],
        cwd=ROOT,
        env=process_env(tmp_path, REDIS_URL="redis://127.0.0.1:6379/5"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert redis.stdout.strip() == "django.core.cache.backends.redis.RedisCache", redis.stderr


def test_make_install_writes_a_dotenv_so_manage_py_works_without_debug_in_front(
    tmp_path: Path,
):
    """Without `.env` and without DEBUG, `manage.py check` refuses (no SECRET_KEY); after
    scripts/write_dotenv.py (run by `make install`) it passes, and a second run keeps the
    file as it was."""
    env_file = tmp_path / ".env"
    bare = {
        k: v
        for k, v in process_env(tmp_path).items()
        if k not in {"DEBUG", "SECRET_KEY", "TASKS_BACKEND"}
    }
    bare["EDILE_ENV_FILE"] = str(env_file)

    def check() -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "manage.py", "check"],
            cwd=ROOT,
            env=bare,
            capture_output=True,
            text=True,
            timeout=120,
        )

    before = check()
    assert before.returncode != 0
    assert "SECRET_KEY is not set" in before.stderr

    subprocess.run([sys.executable, "scripts/write_dotenv.py", str(env_file)], cwd=ROOT, check=True)
    text = env_file.read_text()
    assert "DEBUG=true\n" in text
    assert "SECRET_KEY=" in text and "FIELD_ENCRYPTION_KEYS=" in text
    after = check()
    assert after.returncode == 0, after.stderr
    assert "System check identified no issues" in after.stdout

    subprocess.run([sys.executable, "scripts/write_dotenv.py", str(env_file)], cwd=ROOT, check=True)
    assert env_file.read_text() == text
    assert ".env" in (ROOT / ".gitignore").read_text().splitlines()


@pytest.mark.serving
@pytest.mark.django_db(transaction=True)
def test_a_dropped_postgresql_connection_costs_no_request(tmp_path: Path):
    """gunicorn (one worker, so its connection is reused) on the test's PostgreSQL database:
    the database administrator terminates every connection ("terminating connection due to
    administrator command"); the next requests still answer 200, because the health check
    (CONN_HEALTH_CHECKS) finds the dead connection and opens a new one."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("needs DATABASE_URL=postgres://…")
    db = settings.DATABASES["default"]
    url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    port = free_port()
    proc = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "edile.wsgi",
            "--workers=1",
            "--threads=1",
            f"--bind=127.0.0.1:{port}",
        ],
        cwd=ROOT,
        env=process_env(tmp_path, DATABASE_URL=url),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_for_port(port, proc)
        api = f"http://127.0.0.1:{port}/api/v1/members/local-governments"
        assert _get_json(api)["count"] == 0
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            (terminated,) = cursor.fetchone()
        assert terminated >= 1
        statuses = []
        for _ in range(3):
            with urllib.request.urlopen(api, timeout=30) as response:  # noqa: S310 - 127.0.0.1
                statuses.append(response.status)
        assert statuses == [200, 200, 200]
    finally:
        proc.terminate()
        proc.wait(timeout=30)

"""Shared fixtures: users by role, and the browser for Playwright tests.

Browser tests use Debian's Chromium (/usr/bin/chromium), never a downloaded browser. When
EDILE_REQUIRE_BROWSER=1 (CI), a missing browser fails the tests instead of skipping them.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = os.environ.get("EDILE_CHROMIUM", "/usr/bin/chromium")
# Playwright's sync API runs an event loop; Django's ORM must still be usable in the test.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session", autouse=True)
def _live_server_one_request_at_a_time() -> None:
    """The live server answers one request at a time. With SQLite in memory, the test and the
    server's threads share one connection; the threaded server let a page's background request
    (htmx, a summary stored by its first reader) run beside a form's POST on that connection,
    which then failed with "database table is locked" now and then. Without threads Django's
    server closes each connection after its answer, so the browser's parallel requests queue."""
    from django.core.servers.basehttp import WSGIServer
    from django.test.testcases import LiveServerThread

    class SerialWSGIServer(WSGIServer):
        def __init__(self, *args: Any, connections_override: Any = None, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)

    LiveServerThread.server_class = SerialWSGIServer


@pytest.fixture(autouse=True)
def _fresh_caches() -> Iterator[None]:
    """Rate limits and cached figures live in the cache: each test starts clean."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _force_login_passes_mfa(monkeypatch: pytest.MonkeyPatch) -> None:
    """`client.force_login(user)` stands for the whole sign-in, second factor included: when
    the user has TOTP, the session gets the "mfa" record that allauth's login step writes.
    Tests of the MFA rules themselves use `edile.accounts.tests.factories.password_only_login`."""
    from django.test import Client

    original = Client.force_login

    def force_login(self: Any, user: Any, backend: Any = None) -> None:
        original(self, user, backend)
        import time

        from allauth.mfa.models import Authenticator

        totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
        if totp is not None:
            session = self.session
            session["account_authentication_methods"] = [
                {"method": "password", "at": time.time()},
                {"method": "mfa", "at": time.time(), "id": totp.pk, "type": "totp"},
            ]
            session["account_authentication_methods_user"] = str(user.pk)
            session.save()

    monkeypatch.setattr(Client, "force_login", force_login)


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """Each test starts in the default language: a test that activated English must not make
    the next test's `reverse()` produce /en/ URLs."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def make_user(db: Any) -> Callable[..., Any]:
    from edile.accounts.tests.factories import make_user as _make_user

    return _make_user


@pytest.fixture
def admin_user(make_user: Callable[..., Any]) -> Any:
    """pytest-django's `admin_user` (and so `admin_client`), as a real administrator: with the
    role, a verified address and TOTP, so that `force_login` passes the MFA rule."""
    return make_user("administrator", email="admin@example.com", is_staff=True, is_superuser=True)


@pytest.fixture
def client_as(client: Any, make_user: Callable[..., Any]) -> Callable[..., Any]:
    """`client_as("secretariat")` → a test client signed in as a new user with that role."""

    def _client_as(role: str | None = None, **kwargs: Any) -> Any:
        from django.test import Client

        c = Client()
        if role is None:
            return c
        user = make_user(role, **kwargs)
        c.force_login(user)
        c.user = user
        return c

    return _client_as


def _browser_available() -> bool:
    return Path(CHROMIUM).exists()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not _browser_available():
        if os.environ.get("EDILE_REQUIRE_BROWSER") == "1":
            pytest.fail(f"Chromium is required for browser tests but {CHROMIUM} is missing.")
        pytest.skip(
            f"{CHROMIUM} is missing: browser tests skipped (set EDILE_REQUIRE_BROWSER=1 to fail)."
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    from edile.core.testing import browser_context

    # Map tiles are external: never fetched in tests (the context reaches the server only).
    context, page = browser_context(browser, live_server)
    # The Content-Security-Policy is active in every browser test: a page that breaks it
    # (an inline script, a foreign source) fails the test that visited it.
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    yield page
    context.close()
    assert not violations, "Content-Security-Policy violations:\n" + "\n".join(violations)

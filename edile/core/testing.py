"""Helpers for tests: a browser context that reaches only the test server, signing in through
the real forms, TOTP codes, waiting for a text, axe-core checks, and the text of a PDF."""

from __future__ import annotations

import base64
import re
import time
import zlib
from typing import Any


def browser_context(
    browser: Any,
    live_server: Any,
    *,
    locale: str = "fr-FR",
    width: int = 1280,
    height: int = 900,
    timeout_ms: int = 15_000,
) -> tuple[Any, Any]:
    """A new context and page at that size and locale; any request to another host is aborted
    (no CDN, nothing from outside: what a page needs must be ours)."""
    context = browser.new_context(locale=locale, viewport={"width": width, "height": height})
    context.route(
        "**/*",
        lambda route: (
            route.abort()
            if not route.request.url.startswith(live_server.url)
            else route.continue_()
        ),
    )
    page = context.new_page()
    page.set_default_timeout(timeout_ms)
    return context, page


def wait_for_text(page: Any, text: str) -> None:
    """Wait for `text`; on failure say what the page shows instead (messages, errors)."""
    try:
        page.get_by_text(text).first.wait_for()
    except Exception as exc:
        main = page.locator("main").inner_text() if page.locator("main").count() else ""
        raise AssertionError(f"{text!r} not shown on {page.url}:\n{main[:9000]}") from exc


def totp_now(secret: str) -> str:
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


_totp_steps_used: dict[str, int] = {}


def _unused_totp(email: str, secret: str) -> str:
    """A code allauth has not seen yet: it refuses a code used twice by one user (replay), so a
    second sign-in of the same user within the same 30-second step waits for the next one."""
    step = int(time.time()) // 30
    if _totp_steps_used.get(email) == step:
        time.sleep(30 - time.time() % 30 + 0.5)
    _totp_steps_used[email] = int(time.time()) // 30
    return totp_now(secret)


def browser_login(
    page: Any,
    live_server: Any,
    email: str,
    password: str,
    totp_secret: str | None = None,
    language: str = "fr",
) -> None:
    """Sign in through the real login form (and the TOTP step when the user has one)."""
    page.goto(f"{live_server.url}/{language}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    page.locator("form:has(input[name=password]) button[type=submit]").first.click()
    if totp_secret:
        page.wait_for_selector("input[name=code]")
        page.fill("input[name=code]", _unused_totp(email, totp_secret))
        page.locator("form:has(input[name=code]) button[type=submit]").first.click()
    page.wait_for_load_state()


def assert_no_serious_axe_violations(page: Any) -> None:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    serious = [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v.get("impact") in {"serious", "critical"}
    ]
    assert not serious, "axe-core found serious or critical violations:\n" + "\n".join(serious)


def pdf_text(content: bytes) -> str:
    """The text drawn in a (compressed) ReportLab PDF, to search it like a page."""
    chunks = []
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", content, re.S):
        raw = match.group(1).strip()
        if raw.endswith(b"~>"):
            raw = base64.a85decode(raw[:-2].replace(b"\n", b"").replace(b"\r", b""))
        try:
            chunks.append(zlib.decompress(raw))
        except zlib.error:
            chunks.append(raw)
    return b"\n".join(chunks).decode("latin-1")

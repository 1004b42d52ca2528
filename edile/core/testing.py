"""Helpers for tests: signing in through the real forms, TOTP codes, axe-core checks, and the
text of a PDF."""

from __future__ import annotations

import base64
import re
import time
import zlib
from typing import Any


def totp_now(secret: str) -> str:
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


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
        page.fill("input[name=code]", totp_now(totp_secret))
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

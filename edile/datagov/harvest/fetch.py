"""Fetching a harvest source over HTTP(S), bounded: size, total time, redirects, and no
address inside our own network unless settings allow it (tests serve fixtures on 127.0.0.1).

httpx does the HTTP; redirects are followed here, one hop at a time, so that each hop's
address is checked and a loop is named as such.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import httpx
from django.conf import settings
from django.utils.translation import gettext as _

from edile.datagov.harvest.read import MAX_BYTES, HarvestRefused

MAX_REDIRECTS = 5
ACCEPT = (
    "application/rdf+xml, text/turtle;q=0.9, application/ld+json;q=0.9, "
    "application/n-triples;q=0.8, application/json;q=0.8, */*;q=0.1"
)


@dataclass
class Fetched:
    url: str  # after redirects
    content_type: str
    data: bytes


def _limits() -> tuple[int, float]:
    return (
        getattr(settings, "DATAGOV_HARVEST_MAX_BYTES", MAX_BYTES),
        float(getattr(settings, "DATAGOV_HARVEST_TIMEOUT", 30)),
    )


def _check_address(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise HarvestRefused(_("Only http and https addresses can be harvested."))
    if getattr(settings, "DATAGOV_HARVEST_ALLOW_PRIVATE", False):
        return
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 443, proto=socket.IPPROTO_TCP)
    except OSError:
        raise HarvestRefused(
            _("The address %(host)s cannot be found.") % {"host": parts.hostname}
        ) from None
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global:
            raise HarvestRefused(
                _("The address %(host)s is inside a private network: it is not harvested.")
                % {"host": parts.hostname}
            )


def fetch(url: str, *, accept: str = ACCEPT) -> Fetched:
    """GET `url`; HarvestRefused with a reason a person can act on if anything is off."""
    max_bytes, timeout = _limits()
    deadline = time.monotonic() + timeout
    seen: list[str] = []
    with httpx.Client(
        follow_redirects=False,
        timeout=httpx.Timeout(min(timeout, 10.0)),
        headers={"Accept": accept, "User-Agent": "Edile-harvester/1.0"},
        trust_env=False,
    ) as client:
        while True:
            if url in seen:
                raise HarvestRefused(
                    _("The source redirects in a loop (%(url)s).") % {"url": url[:200]}
                )
            if len(seen) > MAX_REDIRECTS:
                raise HarvestRefused(
                    _("The source redirects more than %(count)s times.") % {"count": MAX_REDIRECTS}
                )
            seen.append(url)
            _check_address(url)
            try:
                with client.stream("GET", url) as response:
                    if response.is_redirect:
                        location = response.headers.get("location", "")
                        if not location:
                            raise HarvestRefused(_("The source redirects nowhere."))
                        url = urljoin(url, location)
                        continue
                    if response.status_code != 200:
                        raise HarvestRefused(
                            _("The source answered HTTP %(status)s for %(url)s.")
                            % {"status": response.status_code, "url": url[:200]}
                        )
                    declared = response.headers.get("content-length", "")
                    if declared.isdigit() and int(declared) > max_bytes:
                        raise HarvestRefused(
                            _("The source is too large (%(size)s bytes; the limit is %(limit)s).")
                            % {"size": declared, "limit": max_bytes}
                        )
                    chunks: list[bytes] = []
                    size = 0
                    for chunk in response.iter_bytes():
                        size += len(chunk)
                        if size > max_bytes:
                            raise HarvestRefused(
                                _("The source is larger than the limit of %(limit)s bytes.")
                                % {"limit": max_bytes}
                            )
                        if time.monotonic() > deadline:
                            raise HarvestRefused(_too_slow(timeout))
                        chunks.append(chunk)
                    return Fetched(
                        url=str(response.url),
                        content_type=response.headers.get("content-type", ""),
                        data=b"".join(chunks),
                    )
            except httpx.TimeoutException:
                raise HarvestRefused(_too_slow(timeout)) from None
            except httpx.HTTPError as exc:
                raise HarvestRefused(
                    _("The source cannot be reached (%(error)s).") % {"error": str(exc)[:200]}
                ) from None
            if time.monotonic() > deadline:
                raise HarvestRefused(_too_slow(timeout))


def _too_slow(timeout: float) -> str:
    return _("The source did not answer within %(seconds)s seconds.") % {"seconds": int(timeout)}

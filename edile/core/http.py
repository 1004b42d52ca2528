"""Who the client is, behind the reverse proxies the deployment trusts."""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _trusted(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(p, strict=False) for p in proxies)


def _parse(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # [2001:db8::1]:443
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # 203.0.113.7:51234
        value = value.split(":", 1)[0]
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str:
    """The address of the client, for rate limits and logs.

    Without `TRUSTED_PROXIES`, REMOTE_ADDR (X-Forwarded-For can be forged by anyone). With it,
    when the connection comes from a trusted proxy, X-Forwarded-For is read from the right,
    skipping the trusted proxies; the first address that is not one is the client's.
    """
    remote = request.META.get("REMOTE_ADDR", "") or ""
    proxies = tuple(getattr(settings, "TRUSTED_PROXIES", ()) or ())
    if not proxies:
        return remote or "unknown"
    trusted = _trusted(proxies)

    def is_trusted(address: ipaddress.IPv4Address | ipaddress.IPv6Address | None) -> bool:
        return address is not None and any(address in network for network in trusted)

    address = _parse(remote)
    if not is_trusted(address):
        return remote or "unknown"
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [h for h in (part.strip() for part in forwarded.split(",")) if h]
    client = remote
    for hop in reversed(hops):
        parsed = _parse(hop)
        if parsed is None:
            break  # garbage: keep the last address a trusted proxy vouched for
        client = str(parsed)
        if not is_trusted(parsed):
            break
    return client or "unknown"

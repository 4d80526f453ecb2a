"""The client's IP address, trusting ``X-Forwarded-For`` only from configured proxies.

With no ``ratelimit.trusted_proxies`` the peer address of the connection is the client,
whatever headers say (a client could otherwise pick its own rate-limit key). When the peer
is a trusted proxy, ``X-Forwarded-For`` is read right to left and the first address that
is not itself a trusted proxy is the client. Limits count an IPv6 client by its /64
network (:func:`client_network`, as django-ratelimit does): one subscriber usually holds a
whole /64, and could otherwise take a fresh address, and a fresh count, per request.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from functools import lru_cache

from starlette.types import Scope

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
STATE_KEY = "client_ip"
UNKNOWN = "unknown"


@lru_cache(maxsize=64)
def networks(entries: tuple[str, ...]) -> tuple[IPNetwork, ...]:
    """The parsed networks of ``ratelimit.trusted_proxies`` (validated by the settings)."""
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _trusted(text: str, trusted: Sequence[IPNetwork]) -> bool:
    address = _address(text)
    return address is not None and any(address in network for network in trusted)


def _forwarded_for(scope: Scope) -> list[str]:
    hops: list[str] = []
    for name, value in scope.get("headers", ()):
        if name == b"x-forwarded-for":
            hops.extend(part.strip() for part in value.decode("latin-1").split(","))
    return [hop for hop in hops if hop]


def client_ip(scope: Scope, trusted_proxies: Sequence[str] = ()) -> str:
    """The client address of ``scope`` (cached in its state); ``"unknown"`` if there is none."""
    state = scope.setdefault("state", {})
    cached = state.get(STATE_KEY)
    if isinstance(cached, str):
        return cached
    client = scope.get("client")
    peer = str(client[0]) if client else UNKNOWN
    result = peer
    trusted = networks(tuple(trusted_proxies))
    if trusted and _trusted(peer, trusted):
        for hop in reversed(_forwarded_for(scope)):
            if _address(hop) is None:
                break
            result = hop
            if not _trusted(hop, trusted):
                break
    state[STATE_KEY] = result
    return result


def client_network(scope: Scope, trusted_proxies: Sequence[str] = ()) -> str:
    """What limits count a client by: its IPv4 address, or its IPv6 /64 network."""
    address = client_ip(scope, trusted_proxies)
    return address if ":" not in address else _ipv6_network(address)


@lru_cache(maxsize=4096)
def _ipv6_network(address: str) -> str:
    """``<prefix>/64`` of an IPv6 address (an IPv4-mapped one: the IPv4 address)."""
    parsed = _address(address)
    if not isinstance(parsed, ipaddress.IPv6Address):
        return address
    if parsed.ipv4_mapped is not None:
        return str(parsed.ipv4_mapped)
    prefix = ipaddress.IPv6Address(int(parsed) >> 64 << 64)
    return f"{prefix}/64"

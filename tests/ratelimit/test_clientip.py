"""The client IP: the peer unless it is a trusted proxy; X-Forwarded-For read right to left."""

from __future__ import annotations

import pytest

from shipyard.ratelimit.clientip import client_ip

PROXIES = ["10.0.0.0/8", "192.168.1.1"]


def scope(peer: str | None, *forwarded: str) -> dict[str, object]:
    headers = [(b"x-forwarded-for", value.encode()) for value in forwarded]
    return {"client": (peer, 1234) if peer else None, "headers": headers}


@pytest.mark.parametrize(
    ("peer", "forwarded", "trusted", "expected"),
    [
        ("1.2.3.4", ["6.6.6.6"], [], "1.2.3.4"),  # no trusted proxy: header ignored
        ("1.2.3.4", ["6.6.6.6"], PROXIES, "1.2.3.4"),  # untrusted peer: header ignored
        ("10.1.1.1", ["6.6.6.6"], PROXIES, "6.6.6.6"),
        ("10.1.1.1", ["7.7.7.7, 6.6.6.6, 10.2.2.2"], PROXIES, "6.6.6.6"),  # spoofed left part
        ("10.1.1.1", ["7.7.7.7", "6.6.6.6"], PROXIES, "6.6.6.6"),  # repeated headers
        ("10.1.1.1", ["garbage, 6.6.6.6"], PROXIES, "6.6.6.6"),
        ("10.1.1.1", ["6.6.6.6, garbage"], PROXIES, "10.1.1.1"),  # malformed last hop
        ("10.1.1.1", [], PROXIES, "10.1.1.1"),
        ("192.168.1.1", ["2001:db8::1"], PROXIES, "2001:db8::1"),
        (None, ["6.6.6.6"], PROXIES, "unknown"),
    ],
)
def test_client_ip(
    peer: str | None, forwarded: list[str], trusted: list[str], expected: str
) -> None:
    assert client_ip(scope(peer, *forwarded), trusted) == expected


def test_result_is_cached_in_the_scope_state() -> None:
    request = scope("10.1.1.1", "6.6.6.6")
    assert client_ip(request, PROXIES) == "6.6.6.6"
    assert request["state"] == {"client_ip": "6.6.6.6"}

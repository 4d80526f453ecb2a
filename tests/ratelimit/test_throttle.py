"""The login throttle under fire: concurrent guesses, many IPs, and storage failures.

The demo ``/login`` route calls ``throttle_attempt`` before its password check and
``attempt_succeeded`` after a right one. Requests come through a trusted proxy (the
test client's address) so each can name its own client IP.
"""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient
from tests.ratelimit.conftest import PASSWORD, PROXY, ClientFactory, concurrent_guesses

from shipyard.testing.services import free_port


def guarded(make_client: ClientFactory, **options: Any) -> TestClient:
    """A client whose IPs come from X-Forwarded-For, with only the throttle in the way."""
    return make_client(
        trusted_proxies=[PROXY], ip=None, user=None, named={"auth": "10000/minute"}, **options
    )


def test_concurrent_guesses_from_one_ip_cannot_slip_past_the_count(
    make_client: ClientFactory,
) -> None:
    client = guarded(make_client, throttle={"failures": 4, "first_delay": 600})
    statuses = concurrent_guesses(client, ["203.0.113.1"] * 60, "ann@example.com")
    assert statuses.count(200) == 4
    assert statuses.count(429) == 56


def test_concurrent_guesses_from_many_ips_stop_at_the_account_count(
    make_client: ClientFactory,
) -> None:
    throttle = {"failures": 3, "account_failures": 10, "first_delay": 600}
    client = guarded(make_client, throttle=throttle)
    ips = [f"198.51.100.{n % 100}" for n in range(200)]
    statuses = concurrent_guesses(client, ips, "ann@example.com")
    assert statuses.count(200) == 10
    assert set(statuses) == {200, 429}


def test_the_owners_known_ip_is_not_held_up_by_distributed_guesses(
    make_client: ClientFactory,
) -> None:
    throttle = {"failures": 3, "account_failures": 10, "first_delay": 600}
    client = guarded(make_client, throttle=throttle)
    owner = {"X-Forwarded-For": "192.0.2.1"}
    right = {"email": "ann@example.com", "password": PASSWORD}
    assert client.post("/login", json=right, headers=owner).json() == {"ok": True}
    concurrent_guesses(client, [f"198.51.100.{n}" for n in range(50)], "ann@example.com")
    assert client.post("/login", json=right, headers=owner).json() == {"ok": True}
    stranger = {"X-Forwarded-For": "192.0.2.2"}
    assert client.post("/login", json=right, headers=stranger).status_code == 429


def test_known_ips_can_be_turned_off(make_client: ClientFactory) -> None:
    throttle = {"failures": 3, "account_failures": 2, "first_delay": 600, "known_ip_ttl": 0}
    client = guarded(make_client, throttle=throttle)
    owner = {"X-Forwarded-For": "192.0.2.1"}
    right = {"email": "ann@example.com", "password": PASSWORD}
    assert client.post("/login", json=right, headers=owner).status_code == 200
    concurrent_guesses(client, ["198.51.100.1", "198.51.100.2"], "ann@example.com")
    assert client.post("/login", json=right, headers=owner).status_code == 429


def test_an_unreachable_storage_fails_open_or_closed(make_client: ClientFactory) -> None:
    dead = {"storage": "redis", "redis_url": f"redis://127.0.0.1:{free_port()}/0"}
    body = {"email": "ann@example.com", "password": PASSWORD}
    open_client = guarded(make_client, throttle={"failures": 1}, **dead)
    assert [open_client.post("/login", json=body).status_code for _ in range(3)] == [200] * 3
    closed = guarded(make_client, throttle={"failures": 1}, fail_open=False, **dead)
    assert closed.post("/login", json=body).status_code == 500

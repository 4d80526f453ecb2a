"""Cookies do not buy a fresh per-IP count: only a logged-in session gets its own bucket.

Hostile first: a client that drops its cookie and collects a fresh anonymous one before
every request, and one that logs out (which hands out a new cookie) to start over.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from tests.auth.support import HTML, AuthHarness

from shipyard.auth.sessionauth import owner_tag
from shipyard.sessions.middleware import SESSION_BACKEND


def harness_with(make_harness: Callable[..., AuthHarness], url: str) -> AuthHarness:
    # Hour windows: the sliding window's previous-window weight barely moves while a test
    # runs (with minute windows, a slow run crossing a minute boundary admitted one more).
    auth = make_harness(url, ratelimit={"ip": "6/hour", "user": "100/hour"})
    auth.create_user()
    return auth


def test_fresh_anonymous_cookies_still_count_against_the_ip(
    make_harness: Callable[..., AuthHarness], sqlite_url: str
) -> None:
    auth = harness_with(make_harness, sqlite_url)
    statuses = []
    for _ in range(10):
        auth.client.cookies.clear()
        statuses.append(auth.client.get("/account/login", headers=HTML).status_code)
        assert "shipyard_session" in auth.client.cookies or statuses[-1] == 429
        statuses.append(auth.client.get("/account/login", headers=HTML).status_code)
    assert statuses[:6] == [200] * 6
    assert set(statuses[6:]) == {429}


def test_logging_out_does_not_reset_the_ip_count(
    make_harness: Callable[..., AuthHarness], sqlite_url: str
) -> None:
    auth = harness_with(make_harness, sqlite_url)
    assert auth.log_in().status_code == 303  # 2 anonymous requests: the form, the post
    for _ in range(20):  # logged in: the user's own bucket
        assert auth.client.get("/private", headers=HTML).status_code == 200
    logout = auth.post_form("/account/logout", {}, csrf_from="/account/")
    assert logout.status_code == 303
    assert "shipyard_session" in auth.client.cookies  # the flash message's fresh session
    statuses = [auth.client.get("/account/login", headers=HTML).status_code for _ in range(8)]
    assert statuses.count(200) == 4  # what was left of the IP's 6
    assert statuses[-1] == 429


def test_a_logged_in_request_reads_the_session_store_once(
    make_harness: Callable[..., AuthHarness], sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    auth = harness_with(make_harness, sqlite_url)
    auth.log_in()
    backend = SESSION_BACKEND.get(auth.app)
    loads: list[str] = []
    original = backend.load

    async def counting(session_id: str) -> Any:
        loads.append(session_id)
        return await original(session_id)

    monkeypatch.setattr(backend, "load", counting)
    assert auth.client.get("/api/me").status_code == 200  # the limiter and current_user
    assert len(loads) == 1
    assert auth.client.get("/account/login", headers=HTML).status_code == 200  # a page
    assert len(loads) == 2


def test_a_users_sessions_share_one_bucket_and_tags_cannot_be_forged(
    make_harness: Callable[..., AuthHarness], sqlite_url: str
) -> None:
    auth = harness_with(make_harness, sqlite_url)
    user = auth.user("ada@example.com")
    cookies = []
    for _ in range(2):
        auth.client.cookies.clear()
        assert auth.log_in().status_code == 303
        cookies.append(auth.client.cookies["shipyard_session"])
    session_id = cookies[0].split(".")[0]
    tag, _, random_part = session_id.partition("~")
    assert len(random_part) == 43
    assert tag == cookies[1].split("~")[0]  # the same user, the same tag
    secret_key = auth.app.settings.app.secret_key.get_secret_value()
    assert tag == owner_tag(secret_key, user.id)  # opaque: an HMAC, not the id
    assert owner_tag(secret_key, user.id + 1) != tag
    remaining = []
    for cookie in cookies * 2:
        auth.client.cookies.set("shipyard_session", cookie)
        response = auth.client.get("/private", headers=HTML)
        assert response.headers["RateLimit-Limit"] == "100"
        remaining.append(int(response.headers["RateLimit-Remaining"]))
    assert remaining == sorted(remaining, reverse=True)
    assert len(set(remaining)) == 4  # one count for both sessions
    forged = "AAAAAAAAAAAAAAAA~" + cookies[0].split("~", 1)[1]
    auth.client.cookies.set("shipyard_session", forged)
    assert auth.client.get("/account/login", headers=HTML).headers["RateLimit-Limit"] == "6"

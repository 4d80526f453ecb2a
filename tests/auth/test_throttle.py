"""Password guessing against every credential endpoint meets growing delays, not a lockout.

Hostile first: one IP hammering the login form, the token endpoint and the change-password
form; many IPs guessing at one account while its owner logs in from their own IP.
Requests come through a trusted proxy so each can name its client IP.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from tests.auth.conftest import FAST_ARGON2
from tests.auth.support import HTML, PASSWORD, AuthHarness, make_auth_app

from shipyard.auth.tokens import TokensExtension

PROXY = ("10.9.9.9", 4000)
OWNER_IP = "192.0.2.10"
WRONG = "not the password at all"
OPEN_LIMITS = {"ip": "10000/minute", "user": "10000/minute", "named": {"auth": "10000/minute"}}

Start = Callable[..., AuthHarness]


@pytest.fixture
def start(tmp_path: Path, sqlite_url: str) -> Iterator[Start]:
    """Harnesses with the token endpoints, behind a trusted proxy, route limits out of the way."""
    opened: list[AuthHarness] = []

    def factory(**throttle: Any) -> AuthHarness:
        ratelimit = {**OPEN_LIMITS, "trusted_proxies": [PROXY[0]], "throttle": throttle}
        app = make_auth_app(sqlite_url, tmp_path, dict(FAST_ARGON2), ratelimit=ratelimit)
        app.add_extension(TokensExtension())
        harness = AuthHarness.start(app, client_address=PROXY)
        opened.append(harness)
        return harness

    yield factory
    for harness in opened:
        harness.close()


def from_ip(ip: str) -> dict[str, str]:
    return {"X-Forwarded-For": ip}


def token(
    auth: AuthHarness, ip: str, password: str = WRONG, email: str = "ada@example.com"
) -> httpx.Response:
    """A password grant at ``/auth/token`` from client ``ip``."""
    response: httpx.Response = auth.client.post(
        "/auth/token", json={"email": email, "password": password}, headers=from_ip(ip)
    )
    return response


def test_login_form_brute_force_from_one_ip_waits_with_an_inline_message(start: Start) -> None:
    auth = start(failures=3, first_delay=60)
    auth.create_user()
    statuses = [auth.log_in(password=WRONG).status_code for _ in range(12)]
    assert statuses == [422] * 3 + [429] * 9
    refused = auth.log_in(password=WRONG)
    assert refused.status_code == 429
    assert 55 <= int(refused.headers["Retry-After"]) <= 60
    assert "Too many failed attempts for this account: try again in" in refused.text
    assert auth.log_in().status_code == 429  # the right password is not even checked now


def test_htmx_login_refusal_replaces_the_form(start: Start) -> None:
    auth = start(failures=1, first_delay=60)
    auth.create_user()
    htmx = {"HX-Request": "true"}
    assert auth.log_in(password=WRONG, headers=htmx).status_code == 422
    refused = auth.log_in(password=WRONG, headers=htmx)
    assert refused.status_code == 429
    assert refused.headers["HX-Retarget"] == "this"
    assert refused.headers["HX-Reswap"] == "outerHTML"
    assert refused.text.lstrip().startswith("<form")
    assert "Retry-After" in refused.headers


def test_token_endpoint_brute_force_gets_problem_429_with_retry_after(start: Start) -> None:
    auth = start(failures=5, first_delay=60)
    auth.create_user()
    responses = [token(auth, "203.0.113.5") for _ in range(40)]
    assert [r.status_code for r in responses[:5]] == [401] * 5
    assert {r.status_code for r in responses[5:]} == {429}
    refused = responses[-1]
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert refused.json()["retry_after"] == int(refused.headers["Retry-After"]) > 0
    assert token(auth, "203.0.113.5", PASSWORD).status_code == 429


def test_form_token_and_password_change_share_one_count(start: Start) -> None:
    auth = start(failures=4, first_delay=60)
    auth.create_user()
    assert auth.log_in().status_code == 303  # logged in from the proxy's own address
    assert token(auth, PROXY[0]).status_code == 401
    assert auth.log_in(password=WRONG).status_code == 422
    new = "another long passphrase 42"
    change = {"current_password": WRONG, "new_password": new, "new_password_confirm": new}
    for _ in range(2):
        response = auth.post_form("/account/password", change, csrf_from="/account/password")
        assert response.status_code == 422
    refused = auth.post_form("/account/password", change, csrf_from="/account/password")
    assert refused.status_code == 429
    assert "Retry-After" in refused.headers
    assert "Too many failed attempts" in refused.text
    email = {"current_password": WRONG, "new_email": "new@example.com"}
    assert auth.post_form("/account/email", email, csrf_from="/account/email").status_code == 429
    assert token(auth, PROXY[0], PASSWORD).status_code == 429


def test_delays_grow_and_a_success_forgets_them(start: Start) -> None:
    auth = start(failures=2, first_delay=1, max_delay=2)
    auth.create_user()
    ip = "203.0.113.9"
    assert [token(auth, ip).status_code for _ in range(3)] == [401, 401, 429]
    waits = []
    for _ in range(3):
        refused = token(auth, ip)
        waits.append(int(refused.headers["Retry-After"]))
        time.sleep(waits[-1] + 0.05)
        assert token(auth, ip).status_code == 401  # the delayed attempt goes through
    assert waits[0] == 1
    assert waits[1:] == [2, 2]  # doubled, then capped by max_delay
    time.sleep(2.05)
    assert token(auth, ip, PASSWORD).status_code == 200
    assert [token(auth, ip).status_code for _ in range(2)] == [401, 401]  # forgotten


def test_many_ips_against_one_account_are_throttled_while_the_owner_logs_in(start: Start) -> None:
    auth = start(failures=3, account_failures=20, first_delay=600)
    auth.create_user()
    auth.create_user(email="bob@example.com")
    assert auth.log_in(headers=from_ip(OWNER_IP)).status_code == 303  # the owner's usual IP
    auth.client.cookies.clear()
    attackers = [f"198.51.100.{n}" for n in range(1, 61)]
    statuses = [token(auth, ip).status_code for ip in attackers for _ in range(2)]
    checked = 20 - 1  # account_failures, less the owner's first login (from a new IP then)
    assert statuses.count(401) == checked  # from all those IPs together
    assert statuses.count(429) == len(statuses) - checked
    assert token(auth, "198.51.100.200", PASSWORD).status_code == 429  # a new IP waits too
    assert auth.log_in(headers=from_ip(OWNER_IP)).status_code == 303  # the owner does not
    assert token(auth, OWNER_IP, PASSWORD).status_code == 200
    assert token(auth, attackers[0]).status_code == 429  # the owner's login forgave nobody
    assert token(auth, "198.51.100.200", email="bob@example.com").status_code == 401


def test_a_password_reset_lifts_the_account_wide_delays(start: Start) -> None:
    auth = start(failures=2, account_failures=4, first_delay=600)
    auth.create_user()
    for n in range(6):
        token(auth, f"198.51.100.{n}")
    assert token(auth, "192.0.2.77", PASSWORD).status_code == 429
    auth.post_form("/account/forgot", {"email": "ada@example.com"}, csrf_from="/account/forgot")
    link = auth.link()
    new_password = "a brand new passphrase 77"
    reset = {"token": auth.token(), "password": new_password, "password_confirm": new_password}
    response = auth.post_form("/account/reset", reset, csrf_from=link)
    assert response.status_code == 303, response.text
    assert token(auth, "192.0.2.77", new_password).status_code == 200


def test_the_account_key_folds_spellings_and_ipv6_counts_per_64(start: Start) -> None:
    auth = start(failures=2, first_delay=600)
    auth.create_user()
    assert token(auth, "2001:db8:0:1::1", email="Ada@Example.com").status_code == 401
    assert token(auth, "2001:db8:0:1::2", email=" ada@EXAMPLE.com ").status_code == 401
    assert token(auth, "2001:db8:0:1:ffff::9").status_code == 429  # same /64
    assert token(auth, "2001:db8:0:2::1").status_code == 401  # another /64


def test_disabled_rate_limiting_disables_the_throttle(
    sqlite_url: str, make_harness: Callable[..., AuthHarness]
) -> None:
    auth = make_harness(sqlite_url, ratelimit={"enabled": False, "throttle": {"failures": 1}})
    auth.create_user()
    assert {auth.log_in(password=WRONG).status_code for _ in range(4)} == {422}


def test_refusals_show_no_500_and_keep_html_for_browsers(start: Start) -> None:
    auth = start(failures=1, first_delay=60)
    auth.create_user()
    auth.log_in(password=WRONG)
    refused = auth.client.post(
        "/account/login",
        data={"email": "ada@example.com", "password": WRONG, "csrf_token": auth.csrf()},
        headers=HTML,
    )
    assert refused.status_code == 429
    assert re.search(r"<html", refused.text, re.IGNORECASE)

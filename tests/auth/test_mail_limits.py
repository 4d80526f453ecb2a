"""Floods of account mail to one address are cut off, and the answers never tell.

Hostile first: password-reset requests for one victim from many IPs, confirmation-link
resends, and email changes aimed at a stranger's address.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.auth.conftest import FAST_ARGON2
from tests.auth.support import PASSWORD, AuthHarness, make_auth_app

PROXY = ("10.9.9.9", 4000)
_PER_RESPONSE = re.compile(r'(nonce="|"X-CSRF-Token": "|value=")[^"]*"')
"""The parts every response has afresh (CSP nonce, CSRF token); the rest must match."""


@pytest.fixture
def auth(tmp_path: Path, sqlite_url: str) -> Iterator[AuthHarness]:
    ratelimit = {
        "trusted_proxies": [PROXY[0]],
        "ip": "10000/minute",
        "named": {"auth": "10000/minute"},
        "mail_per_address": "3/hour",
    }
    app = make_auth_app(sqlite_url, tmp_path, dict(FAST_ARGON2), ratelimit=ratelimit)
    harness = AuthHarness.start(app, client_address=PROXY)
    yield harness
    harness.close()


def forgot(auth: AuthHarness, email: str, ip: str) -> tuple[int, str]:
    response = auth.post_form(
        "/account/forgot",
        {"email": email},
        csrf_from="/account/forgot",
        headers={"X-Forwarded-For": ip},
    )
    return response.status_code, _PER_RESPONSE.sub(r"\1", response.text)


def test_reset_flood_from_many_ips_sends_a_bounded_number_of_mails(auth: AuthHarness) -> None:
    auth.create_user()
    answers = [forgot(auth, "ada@example.com", f"198.51.100.{n}") for n in range(30)]
    assert len(auth.outbox) == 3
    assert {message.to for message in auth.outbox} == {"ada@example.com"}
    assert len(set(answers)) == 1  # sent or not, the same status and page
    assert answers[0][0] == 200
    assert forgot(auth, "nobody@example.com", "198.51.100.99") == answers[0]
    assert forgot(auth, "  ADA@example.com", "198.51.100.98") == answers[0]
    assert len(auth.outbox) == 3  # other spellings share the address's count


def test_other_addresses_and_kinds_keep_their_own_count(auth: AuthHarness) -> None:
    auth.create_user()
    auth.create_user(email="bob@example.com")
    for n in range(5):
        forgot(auth, "ada@example.com", f"198.51.100.{n}")
    forgot(auth, "bob@example.com", "198.51.100.50")
    assert [message.to for message in auth.outbox].count("bob@example.com") == 1
    auth.log_in()
    auth.post_form("/account/verify/resend", {}, csrf_from="/account/")
    assert auth.outbox[-1].subject == "Confirm your email address"  # not a reset


def test_verification_resend_flood_is_bounded(auth: AuthHarness) -> None:
    auth.create_user()
    auth.log_in()
    statuses = {
        auth.post_form("/account/verify/resend", {}, csrf_from="/account/").status_code
        for _ in range(12)
    }
    assert statuses == {303}
    assert len(auth.outbox) == 3


def test_email_change_cannot_flood_a_strangers_inbox(auth: AuthHarness) -> None:
    auth.create_user()
    auth.log_in()
    change = {"new_email": "victim@example.com", "current_password": PASSWORD}
    for _ in range(8):
        response = auth.post_form("/account/email", change, csrf_from="/account/email")
        assert response.status_code == 303
    to_victim = [message for message in auth.outbox if message.to == "victim@example.com"]
    assert len(to_victim) == 3

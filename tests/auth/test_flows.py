"""Account flows on SQLite and PostgreSQL: register, verify, forgot/reset, change email."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
from argon2 import PasswordHasher
from itsdangerous import TimestampSigner
from tests.auth.support import HTML, PASSWORD, AuthHarness

from shipyard.auth.links import make_token

NEW = "a brand new passphrase"


@contextmanager
def signed_in_the_past(monkeypatch: pytest.MonkeyPatch, seconds: int) -> Iterator[None]:
    """Tokens made inside the block carry a timestamp ``seconds`` ago."""
    with monkeypatch.context() as patch:
        patch.setattr(TimestampSigner, "get_timestamp", lambda self: int(time.time()) - seconds)
        yield


def register(
    auth: AuthHarness, email: str, password: str, confirm: str | None = None
) -> httpx.Response:
    data = {"email": email, "password": password, "password_confirm": confirm or password}
    return auth.post_form("/account/register", data, csrf_from="/account/register")


# -- registration ----------------------------------------------------------------------


def test_register_mails_a_verification_link_and_sends_to_the_login_page(
    auth: AuthHarness,
) -> None:
    response = register(auth, "  New.User@Example.com ", PASSWORD)
    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/account/login"
    assert auth.client.get("/api/me").status_code == 401  # not logged in: see below
    assert len(auth.outbox) == 1
    assert auth.outbox[0].to == "new.user@example.com"
    assert "/account/verify?token=" in auth.outbox[0].text
    assert auth.log_in("new.user@example.com").status_code == 303


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short", "at least 12 characters"),
        ("qwertyuiop123", "most commonly used"),
        ("PASSWORD1234", "most commonly used"),
    ],
)
def test_register_refuses_weak_passwords(lite: AuthHarness, password: str, message: str) -> None:
    response = register(lite, "ada@example.com", password)
    assert response.status_code == 422
    assert message in response.text
    assert lite.outbox == []


def test_register_refuses_mismatch_and_bad_email(lite: AuthHarness) -> None:
    assert "do not match" in register(lite, "ada@example.com", PASSWORD, "other one!!").text
    assert "valid email" in register(lite, "not-an-email", PASSWORD).text


def _comparable(response: httpx.Response) -> tuple[int, dict[str, str], str]:
    """Status, headers and body, without what differs on every response anyway (dates,
    nonces, CSRF tokens, cookie values, the rate limit's running count and reset time,
    the request id)."""
    nonce = re.compile(r"(nonce[=-]\"?|csrf_token\" value=\"|X-CSRF-Token\": \")[^\"';& ]+")
    headers = {
        name: nonce.sub(r"\1*", value)
        for name, value in response.headers.items()
        if name
        not in {"date", "set-cookie", "ratelimit-remaining", "ratelimit-reset", "x-request-id"}
    }
    cookies = sorted(cookie.split("=", 1)[0] for cookie in response.headers.get_list("set-cookie"))
    headers["set-cookie names"] = ",".join(cookies)
    return response.status_code, headers, nonce.sub(r"\1*", response.text)


@pytest.mark.parametrize("htmx", [False, True], ids=["browser", "htmx"])
def test_register_answers_a_taken_address_exactly_like_a_new_one(
    auth: AuthHarness, htmx: bool
) -> None:
    auth.create_user("ada@example.com")
    before = auth.user("ada@example.com")
    headers = {"HX-Request": "true"} if htmx else {}
    answers = []
    for email in ("ADA@Example.COM", "new@example.com"):
        auth.client.cookies.clear()
        data = {"email": email, "password": NEW, "password_confirm": NEW}
        response = auth.post_form(
            "/account/register", data, csrf_from="/account/register", headers=headers
        )
        landing = auth.client.get("/account/login", headers=HTML)  # shows the flash
        answers.append((_comparable(response), _comparable(landing)))

    assert answers[0] == answers[1]
    assert "Check your inbox" in answers[0][1][2]
    after = auth.user("ada@example.com")
    assert (after.password_hash, after.session_epoch, after.is_verified, after.email) == (
        before.password_hash,
        before.session_epoch,
        before.is_verified,
        before.email,
    )
    auth.client.cookies.clear()
    assert auth.log_in("ada@example.com", NEW).status_code == 422  # not the registrant's
    assert auth.log_in("ada@example.com", PASSWORD).status_code == 303


def test_register_with_a_taken_address_mails_its_owner_instead(auth: AuthHarness) -> None:
    auth.create_user("ada@example.com")
    register(auth, "Ada@Example.com", NEW)
    register(auth, "new@example.com", NEW)

    notice, verification = auth.outbox
    assert (notice.to, notice.subject) == (
        "ada@example.com",
        "Someone tried to register with your address",
    )
    assert "http://localhost:8000/account/login" in notice.text  # the canonical URL
    assert "http://localhost:8000/account/forgot" in notice.text
    assert "token=" not in notice.text  # nothing in it works without the mailbox owner
    assert verification.to == "new@example.com"
    assert "/account/verify?token=" in verification.text


def test_register_hashes_the_password_for_a_taken_address_too(
    auth: AuthHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    auth.create_user("ada@example.com")
    hashed: list[str] = []
    original = PasswordHasher.hash

    def counting(hasher: PasswordHasher, password: str | bytes, **kwargs: Any) -> str:
        hashed.append(str(password))
        return original(hasher, password, **kwargs)

    monkeypatch.setattr(PasswordHasher, "hash", counting)
    register(auth, "ada@example.com", NEW)
    register(auth, "new@example.com", NEW)

    assert hashed == [NEW, NEW]


def test_register_with_a_deactivated_address_answers_the_same_and_mails_nobody(
    lite: AuthHarness,
) -> None:
    lite.create_user("gone@example.com", is_active=False)

    response = register(lite, "gone@example.com", NEW)

    assert (response.status_code, response.headers["location"]) == (303, "/account/login")
    assert lite.outbox == []


@pytest.mark.postgres
def test_concurrent_registrations_of_one_address_make_one_account(
    make_harness: Callable[..., AuthHarness], postgres_database_url: str
) -> None:
    harness = make_harness(postgres_database_url, ratelimit={"enabled": False})

    async def race() -> list[int]:
        async def one(http: httpx.AsyncClient) -> int:
            page = await http.get("/account/register", headers=HTML)
            found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
            assert found is not None
            data = {"csrf_token": found.group(1), "email": "race@example.com"}
            data |= {"password": NEW, "password_confirm": NEW}
            return (await http.post("/account/register", data=data, headers=HTML)).status_code

        transport = httpx.ASGITransport(app=harness.app)
        clients = [
            httpx.AsyncClient(transport=transport, base_url="http://testserver") for _ in range(8)
        ]
        try:
            return list(await asyncio.gather(*(one(http) for http in clients)))
        finally:
            await asyncio.gather(*(http.aclose() for http in clients))

    assert harness.run(race) == [303] * 8
    assert harness.user("race@example.com").email == "race@example.com"  # exactly one
    subjects = sorted(message.subject for message in harness.outbox)
    assert (
        subjects
        == ["Confirm your email address"] + ["Someone tried to register with your address"] * 7
    )


# -- verification ----------------------------------------------------------------------


def test_verification_link_works_once(auth: AuthHarness) -> None:
    register(auth, "ada@example.com", PASSWORD)
    link = auth.link()
    first = auth.client.get(link, headers=HTML)
    assert first.status_code == 200
    assert auth.user("ada@example.com").is_verified
    second = auth.client.get(link, headers=HTML)
    assert second.status_code == 400


def test_verification_rejects_forged_and_expired_tokens(
    lite: AuthHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    register(lite, "ada@example.com", PASSWORD)
    token = lite.token()
    forged = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    for bad in (forged, "garbage", "", token + "x"):
        assert lite.client.get(f"/account/verify?token={bad}", headers=HTML).status_code == 400
    with signed_in_the_past(monkeypatch, lite.app.settings.auth.verify_token_max_age + 10):
        token = make_token(lite.app.settings, lite.user("ada@example.com"), "verify")
    expired = f"/account/verify?token={token}"
    assert lite.client.get(expired, headers=HTML).status_code == 400
    assert not lite.user("ada@example.com").is_verified


def test_inactive_user_cannot_verify(lite: AuthHarness) -> None:
    register(lite, "ada@example.com", PASSWORD)
    lite.update_user("ada@example.com", is_active=False)
    assert lite.client.get(lite.link(), headers=HTML).status_code == 400
    assert not lite.user("ada@example.com").is_verified


# -- forgot / reset --------------------------------------------------------------------


def forgot(auth: AuthHarness, email: str) -> httpx.Response:
    return auth.post_form("/account/forgot", {"email": email}, csrf_from="/account/forgot")


def reset(auth: AuthHarness, token: str, password: str = NEW) -> httpx.Response:
    data = {"token": token, "password": password, "password_confirm": password}
    return auth.post_form("/account/reset", data, csrf_from="/account/forgot")


def test_forgot_password_does_not_reveal_accounts(auth: AuthHarness) -> None:
    auth.create_user()
    known = forgot(auth, "ada@example.com")
    unknown = forgot(auth, "nobody@example.com")
    assert known.status_code == unknown.status_code == 200

    def main(text: str) -> str:
        return text[text.index("<main") : text.index("</main>")]

    assert main(known.text) == main(unknown.text)
    assert "If an account uses this address" in main(known.text)
    assert [message.to for message in auth.outbox] == ["ada@example.com"]


def test_reset_password_once(auth: AuthHarness) -> None:
    auth.create_user()
    forgot(auth, "ada@example.com")
    token = auth.token()
    assert auth.client.get(auth.link(), headers=HTML).status_code == 200
    response = reset(auth, token)
    assert response.status_code == 303, response.text
    assert auth.log_in(password=NEW).status_code == 303
    assert reset(auth, token, "yet another passphrase").status_code == 400  # already used
    auth.client.cookies.clear()
    assert auth.log_in(password=NEW).status_code == 303


def test_reset_token_dies_when_the_password_changes(auth: AuthHarness) -> None:
    auth.create_user()
    forgot(auth, "ada@example.com")
    first = auth.token()
    forgot(auth, "ada@example.com")
    second = auth.token()
    assert reset(auth, second).status_code == 303
    assert reset(auth, first, "third passphrase here").status_code == 400


def test_reset_rejects_forged_expired_and_wrong_purpose_tokens(
    lite: AuthHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    lite.create_user()
    with signed_in_the_past(monkeypatch, lite.app.settings.auth.reset_token_max_age + 5):
        expired = make_token(lite.app.settings, lite.user("ada@example.com"), "reset")
    assert reset(lite, expired).status_code == 400
    assert lite.client.get(f"/account/reset?token={expired}", headers=HTML).status_code == 400
    forgot(lite, "ada@example.com")
    good = lite.token()
    assert reset(lite, good[:-2] + ("xx" if not good.endswith("xx") else "yy")).status_code == 400
    register_token = good  # a reset token is no verification token, and vice versa
    assert (
        lite.client.get(f"/account/verify?token={register_token}", headers=HTML).status_code == 400
    )
    assert lite.log_in().status_code == 303  # nothing changed the password


def test_reset_applies_the_policy(lite: AuthHarness) -> None:
    lite.create_user()
    forgot(lite, "ada@example.com")
    response = reset(lite, lite.token(), "password")
    assert response.status_code == 422
    assert "at least 12" in response.text


def test_inactive_user_cannot_reset(auth: AuthHarness) -> None:
    auth.create_user()
    forgot(auth, "ada@example.com")
    token = auth.token()
    auth.update_user("ada@example.com", is_active=False)
    assert reset(auth, token).status_code == 400
    assert len(auth.outbox) == 1
    forgot(auth, "ada@example.com")
    assert len(auth.outbox) == 1  # no mail for an inactive account


def test_reset_logs_out_existing_sessions(lite: AuthHarness) -> None:
    lite.create_user()
    lite.log_in()
    assert lite.client.get("/api/me").status_code == 200
    forgot(lite, "ada@example.com")
    reset(lite, lite.token())
    assert lite.client.get("/api/me").status_code == 401


# -- change email ----------------------------------------------------------------------


def test_change_email_takes_effect_only_after_confirmation(auth: AuthHarness) -> None:
    auth.create_user(is_verified=True)
    auth.log_in()
    response = auth.post_form(
        "/account/email",
        {"new_email": "Ada.New@Example.com", "current_password": PASSWORD},
        csrf_from="/account/email",
    )
    assert response.status_code == 303, response.text
    user = auth.user("ada@example.com")
    assert user.pending_email == "ada.new@example.com"
    assert [m.to for m in auth.outbox] == ["ada.new@example.com", "ada@example.com"]
    link = auth.link(0)
    assert auth.client.get(link, headers=HTML).status_code == 200
    changed = auth.user("ada.new@example.com")
    assert changed.pending_email is None
    assert changed.is_verified
    assert auth.client.get(link, headers=HTML).status_code == 400  # single use
    auth.client.cookies.clear()
    assert auth.log_in("ada.new@example.com").status_code == 303


def test_change_email_requires_password_and_a_free_address(lite: AuthHarness) -> None:
    lite.create_user()
    lite.create_user("taken@example.com")
    lite.log_in()
    wrong = lite.post_form(
        "/account/email",
        {"new_email": "x@example.com", "current_password": "nope"},
        csrf_from="/account/email",
    )
    assert "not your current password" in wrong.text
    taken = lite.post_form(
        "/account/email",
        {"new_email": "TAKEN@example.com", "current_password": PASSWORD},
        csrf_from="/account/email",
    )
    assert "already exists" in taken.text
    assert lite.outbox == []


def test_account_pages_need_a_login(lite: AuthHarness) -> None:
    for path in ("/account/", "/account/password", "/account/email"):
        response = lite.client.get(path, headers=HTML, follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"].startswith("/account/login?next=")

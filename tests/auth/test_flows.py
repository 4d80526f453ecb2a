"""Account flows on SQLite and PostgreSQL: register, verify, forgot/reset, change email."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest
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


def test_register_logs_in_and_mails_a_verification_link(auth: AuthHarness) -> None:
    response = register(auth, "  New.User@Example.com ", PASSWORD)
    assert response.status_code == 303, response.text
    assert auth.client.get("/api/me").json()["email"] == "new.user@example.com"
    assert len(auth.outbox) == 1
    assert auth.outbox[0].to == "new.user@example.com"
    assert "/account/verify?token=" in auth.outbox[0].text


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


def test_register_refuses_a_duplicate_email_in_another_case(auth: AuthHarness) -> None:
    auth.create_user("ada@example.com")
    response = register(auth, "ADA@Example.COM", PASSWORD)
    assert response.status_code == 422
    assert "already exists" in response.text


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

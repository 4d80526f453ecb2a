"""Login sessions on SQLite and PostgreSQL: login, fixation, remember-me, logout, rehash."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.auth.support import HTML, PASSWORD, AuthHarness

from shipyard.auth.passwords import hash_password_sync

COOKIE = "shipyard_session"


def test_login_success_and_failure(auth: AuthHarness) -> None:
    auth.create_user("Ada@Example.com")
    wrong = auth.log_in("ada@example.com", "not the password at all")
    assert wrong.status_code == 422
    assert "Wrong email or password." in wrong.text
    unknown = auth.log_in("nobody@example.com")
    assert unknown.status_code == 422
    assert "Wrong email or password." in unknown.text
    assert auth.client.get("/api/me").status_code == 401
    ok = auth.log_in("  ADA@example.COM ")
    assert ok.status_code == 303
    assert auth.client.get("/api/me").json() == {"email": "ada@example.com", "method": "session"}


def test_inactive_user_cannot_log_in_and_is_logged_out(auth: AuthHarness) -> None:
    auth.create_user()
    auth.log_in()
    assert auth.client.get("/api/me").status_code == 200
    auth.update_user("ada@example.com", is_active=False)
    assert auth.client.get("/api/me").status_code == 401  # the live session is refused
    response = auth.log_in()
    assert response.status_code == 422
    assert "disabled" in response.text


def test_session_id_changes_at_login(auth: AuthHarness) -> None:
    auth.create_user()
    auth.csrf()  # an anonymous session exists (the CSRF token needs one)
    before = auth.client.cookies[COOKIE]
    auth.log_in()
    after = auth.client.cookies[COOKIE]
    assert after != before
    # an attacker holding the pre-login id gets nothing
    auth.client.cookies.set(COOKIE, before)
    assert auth.client.get("/api/me").status_code == 401


def test_remember_me_sets_a_persistent_cookie(lite: AuthHarness) -> None:
    lite.create_user()
    plain = session_cookie(lite.log_in())
    assert "Max-Age" not in plain  # ends with the browser session
    lite.client.cookies.clear()
    remembered = session_cookie(lite.log_in(remember="on"))
    max_age = lite.app.settings.auth.remember_max_age
    assert f"Max-Age={max_age}" in remembered


def test_remember_me_lifetime_is_capped_by_the_session_store(
    make_harness: Callable[..., AuthHarness], sqlite_url: str
) -> None:
    harness = make_harness(sqlite_url, auth={"remember_max_age": 10**8})
    harness.create_user()
    header = harness.log_in(remember="on").headers["set-cookie"]
    assert f"Max-Age={harness.app.settings.sessions.max_age}" in header


def test_logout_ends_this_session_only(auth: AuthHarness) -> None:
    auth.create_user()
    auth.log_in()
    other = auth.client.cookies[COOKIE]
    auth.client.cookies.clear()
    auth.log_in()
    response = auth.post_form("/account/logout", {}, csrf_from="/account/")
    assert response.status_code == 303
    assert auth.client.get("/api/me").status_code == 401
    auth.client.cookies.set(COOKIE, other)
    assert auth.client.get("/api/me").status_code == 200


def test_logout_everywhere_ends_every_session(auth: AuthHarness) -> None:
    auth.create_user()
    auth.log_in()
    other = auth.client.cookies[COOKIE]
    auth.client.cookies.clear()
    auth.log_in()
    response = auth.post_form("/account/logout", {"everywhere": "on"}, csrf_from="/account/")
    assert response.status_code == 303
    assert auth.client.get("/api/me").status_code == 401
    auth.client.cookies.set(COOKIE, other)
    assert auth.client.get("/api/me").status_code == 401
    assert auth.user("ada@example.com").session_epoch == 1
    auth.client.cookies.clear()
    assert auth.log_in().status_code == 303  # a new login works again
    assert auth.client.get("/api/me").status_code == 200


def test_password_change_logs_out_other_sessions_but_not_this_one(auth: AuthHarness) -> None:
    auth.create_user()
    auth.log_in()
    other = auth.client.cookies[COOKIE]
    auth.client.cookies.clear()
    auth.log_in()
    new = "an entirely new passphrase"
    response = auth.post_form(
        "/account/password",
        {"current_password": PASSWORD, "new_password": new, "new_password_confirm": new},
        csrf_from="/account/password",
    )
    assert response.status_code == 303, response.text
    assert auth.client.get("/api/me").status_code == 200
    auth.client.cookies.set(COOKIE, other)
    assert auth.client.get("/api/me").status_code == 401
    auth.client.cookies.clear()
    assert auth.log_in(password=PASSWORD).status_code == 422
    assert auth.log_in(password=new).status_code == 303


def test_change_password_checks_current_and_policy(lite: AuthHarness) -> None:
    lite.create_user()
    lite.log_in()
    response = lite.post_form(
        "/account/password",
        {
            "current_password": "wrong",
            "new_password": "password",
            "new_password_confirm": "password",
        },
        csrf_from="/account/password",
    )
    assert response.status_code == 422
    assert "not your current password" in response.text
    assert "at least 12 characters" in response.text


def test_login_rehashes_when_parameters_change(
    make_harness: Callable[..., AuthHarness], database_url: str
) -> None:
    harness = make_harness(database_url, auth={"argon2_time_cost": 2})
    weaker = harness.app.settings.auth.model_copy(update={"argon2_time_cost": 1})
    old_hash = hash_password_sync(PASSWORD, weaker)
    harness.create_user(password="placeholder password 1")
    harness.update_user("ada@example.com", password_hash=old_hash)
    assert harness.log_in().status_code == 303
    new_hash = harness.user("ada@example.com").password_hash
    assert new_hash != old_hash
    assert "t=2" in new_hash
    assert "t=1" in old_hash
    harness.client.cookies.clear()
    assert harness.log_in().status_code == 303  # the new hash verifies


def test_htmx_login_redirects_with_hx_redirect(lite: AuthHarness) -> None:
    lite.create_user()
    response = lite.log_in(headers={"HX-Request": "true"}, next="/private")
    assert response.status_code == 200
    assert response.headers["hx-redirect"] == "/private"
    assert lite.client.get("/private", headers=HTML).status_code == 200


def session_cookie(response: Any) -> str:
    """The ``Set-Cookie`` header of the session cookie alone."""
    found = [value for value in response.headers.get_list("set-cookie") if value.startswith(COOKIE)]
    assert len(found) == 1, found
    return str(found[0])

"""Sessions: laziness, persistence, sliding expiry, tampering and fixation (spy store)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from starlette.testclient import TestClient
from tests.security.conftest import PRODUCTION_APP, ClientFactory, SpyBackend

from shipyard.core.clock import utc_now
from shipyard.sessions.backends import SessionRecord
from shipyard.sessions.session import Session, SessionNotLoaded, SessionTooLarge

COOKIE = "shipyard_session"


def test_untouched_session_reads_nothing_and_sets_no_cookie(
    client: TestClient, spy: SpyBackend
) -> None:
    assert client.get("/count").json() == {"count": 1}
    spy.calls.clear()
    response = client.get("/plain")
    assert response.status_code == 200
    assert spy.calls == []
    assert "set-cookie" not in response.headers


def test_cookieless_request_never_reads_the_store(client: TestClient, spy: SpyBackend) -> None:
    client.get("/peek")
    assert spy.count("load") == 0
    assert client.cookies.get(COOKIE) is None


def test_session_persists_across_requests(client: TestClient, spy: SpyBackend) -> None:
    assert [client.get("/count").json()["count"] for _ in range(3)] == [1, 2, 3]
    assert spy.count("load") == 2
    assert len(spy.records) == 1


def test_cookie_flags(client: TestClient) -> None:
    header = client.get("/count").headers["set-cookie"]
    assert "HttpOnly" in header
    assert "SameSite=Lax" in header
    assert "Path=/" in header
    assert "Secure" not in header


def test_cookie_is_secure_in_production(make_client: ClientFactory, spy: SpyBackend) -> None:
    client = make_client(
        spy, base_url="https://testserver", profile="production", app=PRODUCTION_APP
    )
    assert "Secure" in client.get("/count").headers["set-cookie"]
    assert client.get("/count").json() == {"count": 2}


def test_tampered_cookie_gives_a_new_empty_session(client: TestClient, spy: SpyBackend) -> None:
    client.get("/count")
    value = client.cookies[COOKIE]
    forged = value[:-2] + ("AA" if not value.endswith("AA") else "BB")
    client.cookies.set(COOKIE, forged)
    spy.calls.clear()
    response = client.get("/count")
    assert response.status_code == 200
    assert response.json() == {"count": 1}
    assert spy.count("load") == 0  # a bad signature is never looked up


def test_garbage_cookie_is_ignored(client: TestClient) -> None:
    client.cookies.set(COOKIE, "not even close; \x00")
    assert client.get("/count").json() == {"count": 1}


def test_cookie_signed_with_another_key_is_ignored(
    make_client: ClientFactory, spy: SpyBackend
) -> None:
    first = make_client(spy, app={"secret_key": "a" * 40})
    first.get("/count")
    second = make_client(spy, app={"secret_key": "b" * 40})
    second.cookies.set(COOKIE, first.cookies[COOKIE])
    assert second.get("/count").json() == {"count": 1}


def test_rotation_changes_id_keeps_data_and_kills_old_id(
    client: TestClient, spy: SpyBackend
) -> None:
    client.get("/count")
    old_cookie = client.cookies[COOKIE]
    old_id = next(iter(spy.records))
    token = client.get("/token").text
    client.post("/login", headers={"X-CSRF-Token": token})
    new_cookie = client.cookies[COOKIE]
    assert new_cookie != old_cookie
    assert old_id not in spy.records
    assert client.get("/count").json() == {"count": 2}  # data kept under the new id
    attacker = TestClient(client.app, cookies={COOKIE: old_cookie})
    assert attacker.get("/peek").json() == {}


def test_rotation_changes_the_csrf_secret(client: TestClient) -> None:
    client.get("/count")
    old_token = client.get("/token").text
    client.post("/login", headers={"X-CSRF-Token": old_token})
    response = client.post("/submit", headers={"X-CSRF-Token": old_token})
    assert response.status_code == 403


def test_logout_deletes_session_and_cookie(client: TestClient, spy: SpyBackend) -> None:
    client.get("/count")
    token = client.get("/token").text
    response = client.post("/logout", headers={"X-CSRF-Token": token})
    assert 'shipyard_session=""' in response.headers["set-cookie"]
    assert spy.records == {}
    assert client.get("/count").json() == {"count": 1}


def test_sliding_expiry_is_throttled(make_client: ClientFactory, spy: SpyBackend) -> None:
    client = make_client(spy, sessions={"max_age": 3600, "touch_interval": 60})
    client.get("/count")
    session_id = next(iter(spy.records))
    response = client.get("/peek")  # renewed just now: no write, no cookie
    assert spy.count("touch") == 0
    assert "set-cookie" not in response.headers
    stale = utc_now() + timedelta(seconds=3600 - 120)  # renewed two minutes ago
    spy.records[session_id] = SessionRecord(spy.records[session_id].payload, stale)
    response = client.get("/peek")
    assert spy.count("touch") == 1
    assert spy.records[session_id].expires_at > stale + timedelta(seconds=100)
    assert "Max-Age=3600" in response.headers["set-cookie"]


def test_expired_record_is_an_empty_session(client: TestClient, spy: SpyBackend) -> None:
    client.get("/count")
    session_id = next(iter(spy.records))
    spy.records[session_id] = SessionRecord('{"count": 5}', utc_now() - timedelta(seconds=1))
    assert client.get("/count").json() == {"count": 1}


def test_corrupt_record_is_an_empty_session(client: TestClient, spy: SpyBackend) -> None:
    client.get("/count")
    session_id = next(iter(spy.records))
    spy.records[session_id] = SessionRecord("[not json", utc_now() + timedelta(hours=1))
    assert client.get("/count").json() == {"count": 1}


def test_oversized_session_is_a_clear_error(make_client: ClientFactory, spy: SpyBackend) -> None:
    client = make_client(spy, sessions={"max_size": 1024})
    response = client.get("/big")
    assert response.status_code == 500
    assert spy.records == {}


def test_oversized_session_error_names_the_setting() -> None:
    session = Session(SpyBackend, None, max_age=60, touch_interval=0)
    session["blob"] = "x" * 2000
    with pytest.raises(SessionTooLarge, match=r"sessions\.max_size"):
        session.serialize(1024)


def test_unserialisable_value_is_a_clear_error() -> None:
    session = Session(SpyBackend, None, max_age=60, touch_interval=0)
    session["when"] = object()
    with pytest.raises(SessionTooLarge, match="JSON-serialisable"):
        session.serialize(1024)


def test_unloaded_session_access_names_the_fix() -> None:
    session = Session(SpyBackend, "x" * 43, max_age=60, touch_interval=0)
    with pytest.raises(SessionNotLoaded, match="SessionDep"):
        session["a"] = 1
    with pytest.raises(SessionNotLoaded):
        len(session)

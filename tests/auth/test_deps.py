"""The deps' answers to anonymous clients, safe ``next``, the authenticator registry."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import HTTPConnection
from tests.auth.support import HTML, AuthHarness

from shipyard.auth import Identity, User, register_authenticator
from shipyard.auth.authenticators import authenticators
from shipyard.auth.redirects import is_safe_next, safe_next


def test_browser_is_redirected_to_login_with_next(lite: AuthHarness) -> None:
    response = lite.client.get("/private?tab=2", headers=HTML, follow_redirects=False)
    assert response.status_code == 303
    location = urlsplit(response.headers["location"])
    assert location.path == "/account/login"
    assert parse_qs(location.query) == {"next": ["/private?tab=2"]}
    assert "HX-Request" in response.headers["vary"]


def test_htmx_gets_hx_redirect_to_the_page_it_is_on(lite: AuthHarness) -> None:
    response = lite.client.get(
        "/private",
        headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/ships?page=3"},
        follow_redirects=False,
    )
    assert response.status_code == 200
    target = urlsplit(response.headers["hx-redirect"])
    assert target.path == "/account/login"
    assert parse_qs(target.query) == {"next": ["/ships?page=3"]}


def test_htmx_current_url_of_another_site_is_not_used(lite: AuthHarness) -> None:
    response = lite.client.get(
        "/private", headers={"HX-Request": "true", "HX-Current-URL": "https://evil.example/x"}
    )
    assert parse_qs(urlsplit(response.headers["hx-redirect"]).query) == {"next": ["/private"]}


def test_api_client_gets_401_problem_with_challenge(lite: AuthHarness) -> None:
    response = lite.client.get("/api/me", headers={"Accept": "application/json"})
    assert response.status_code == 401
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert response.json()["status"] == 401


def test_bearer_request_gets_401_even_when_accepting_html(lite: AuthHarness) -> None:
    response = lite.client.get(
        "/private", headers={**HTML, "Authorization": "Bearer nope"}, follow_redirects=False
    )
    assert response.status_code == 401
    assert 'error="invalid_token"' in response.headers["www-authenticate"]


def test_optional_user_is_none_when_anonymous(lite: AuthHarness) -> None:
    assert lite.client.get("/api/maybe").json() == {"email": None}


@pytest.mark.parametrize(
    "value",
    [
        "//evil.com",
        "https://evil.com",
        "http:evil.com",
        "/\\evil.com",
        "\\\\evil.com",
        "/\t/evil.com",
        "/ok\r\nSet-Cookie: x=1",
        "javascript:alert(1)",
        "evil.com",
        "",
        "/" + "a" * 3000,
        "/\x00",
        "///evil.com",
    ],
)
def test_hostile_next_values_are_refused(value: str) -> None:
    assert not is_safe_next(value)
    assert safe_next(value, "/home") == "/home"


@pytest.mark.parametrize("value", ["/", "/ships?page=2", "/a/b#frag", "/%2F%2Fevil.com"])
def test_same_site_paths_are_kept(value: str) -> None:
    assert safe_next(value) == value


def test_login_page_drops_hostile_next(lite: AuthHarness) -> None:
    page = lite.client.get("/account/login?next=//evil.com", headers=HTML).text
    assert "evil.com" not in page
    lite.create_user()
    response = lite.log_in(next="https://evil.com/steal")
    assert response.status_code == 303
    assert response.headers["location"] == "/"


def test_login_follows_a_safe_next(lite: AuthHarness) -> None:
    lite.create_user()
    response = lite.log_in(next="/private?tab=2")
    assert response.headers["location"] == "/private?tab=2"


def test_inactive_user_is_rejected_for_any_method(lite: AuthHarness) -> None:
    """A custom authenticator's identity of an inactive user is refused centrally."""
    lite.create_user("ghost@example.com", is_active=False)

    async def header_auth(request: HTTPConnection, db: AsyncSession) -> Identity | None:
        email = request.headers.get("x-test-user")
        if email is None:
            return None
        from sqlalchemy import select

        user = (await db.scalars(select(User).where(User.email == email))).one()
        return Identity(user=user, method="api_key", scopes=frozenset(), credential_id="k1")

    register_authenticator(lite.app, header_auth, priority=200)
    assert authenticators(lite.app)[0] is header_auth  # before the session (300)
    response = lite.client.get("/api/me", headers={"X-Test-User": "ghost@example.com"})
    assert response.status_code == 401
    lite.create_user("live@example.com")
    response = lite.client.get("/api/me", headers={"X-Test-User": "live@example.com"})
    assert response.json() == {"email": "live@example.com", "method": "api_key"}

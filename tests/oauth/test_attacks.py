"""The attacks on sign-in with a provider: each ends on a 4xx page, signed in as nobody."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from tests.auth.support import HTML, AuthHarness
from tests.oauth.driver import authorize, follow_provider, sign_in, start
from tests.oauth.github import FakeGitHub
from tests.oauth.test_flows import links, me

from shipyard.core.clock import ManualClock, utc_now
from shipyard.testing.services import free_port


def refused(response: httpx.Response, status: int = 400) -> str:
    assert response.status_code == status, response.text
    assert "Sign-in not completed" in response.text
    return response.text


def callback(harness: AuthHarness, url: str) -> httpx.Response:
    response: httpx.Response = harness.client.get(url, headers=HTML, follow_redirects=False)
    return response


def test_callback_without_state(oauth: AuthHarness) -> None:
    refused(callback(oauth, "/auth/oauth/local/callback?code=abc"))
    assert me(oauth) is None


def test_state_is_single_use(oauth: AuthHarness) -> None:
    url = authorize(oauth, "local", "reuse")
    assert callback(oauth, url).status_code == 303
    oauth.post_form("/account/logout", {}, csrf_from="/account/")
    assert "expired or was already used" in refused(callback(oauth, url))
    assert me(oauth) is None


def test_state_expires(make_oauth: Callable[..., AuthHarness]) -> None:
    clock = ManualClock(utc_now())
    harness = make_oauth(clock=clock)
    url = authorize(harness, "local", "slowpoke")
    clock.advance(harness.app.settings.oauth.state_max_age + 1)
    assert "expired" in refused(callback(harness, url))
    assert me(harness) is None


def test_state_from_another_browser(oauth: AuthHarness) -> None:
    url = authorize(oauth, "local", "victim")
    oauth.client.cookies.clear()  # another browser: the state is not in its session
    refused(callback(oauth, url))
    assert me(oauth) is None


def test_injected_code_fails_the_pkce_check(oauth: AuthHarness) -> None:
    """An attacker's code, delivered with the victim's own state, is refused by PKCE."""
    attacker_url = authorize(oauth, "local", "attacker")
    code = httpx.URL(attacker_url).params["code"]
    oauth.client.cookies.clear()  # the victim's browser starts its own sign-in
    victim = start(oauth, "local")
    state = httpx.URL(victim.headers["location"]).params["state"]
    refused(callback(oauth, f"/auth/oauth/local/callback?code={code}&state={state}"))
    assert me(oauth) is None
    assert links(oauth) == []


def test_injected_github_code_fails_the_pkce_check(oauth: AuthHarness) -> None:
    attacker_url = authorize(oauth, "github", "mallory")
    code = httpx.URL(attacker_url).params["code"]
    oauth.client.cookies.clear()
    victim = start(oauth, "github")
    state = httpx.URL(victim.headers["location"]).params["state"]
    refused(callback(oauth, f"/auth/oauth/github/callback?code={code}&state={state}"))
    assert me(oauth) is None


def test_mix_up_state_of_one_provider_on_anothers_callback(oauth: AuthHarness) -> None:
    url = authorize(oauth, "github", "mixed")
    query = httpx.URL(url).query.decode()
    refused(callback(oauth, f"/auth/oauth/local/callback?{query}"))
    assert me(oauth) is None


def test_mix_up_wrong_issuer_in_the_response(oauth: AuthHarness) -> None:
    url = httpx.URL(authorize(oauth, "local", "issuer"))
    forged = url.copy_set_param("iss", "https://evil.example")
    refused(callback(oauth, f"{forged.path}?{forged.query.decode()}"))
    assert me(oauth) is None


@pytest.mark.parametrize(
    "next_path", ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:x"]
)
def test_return_url_stays_on_this_site(oauth: AuthHarness, next_path: str) -> None:
    response = sign_in(oauth, "local", "traveller", next_path=next_path)
    assert response.status_code == 303
    assert response.headers["location"] == "/"


def test_no_takeover_of_an_account_by_its_email(oauth: AuthHarness) -> None:
    oauth.create_user("victim@example.test")
    text = refused(sign_in(oauth, "local", "victim@example.test"), 409)
    assert "Log in with your password" in text
    assert me(oauth) is None
    assert links(oauth) == []


def test_denied_consent_is_a_friendly_page(oauth: AuthHarness) -> None:
    started = start(oauth, "github")
    with httpx.Client() as browser:
        url = follow_provider(browser, started.headers["location"], "octocat", deny=True)
    parts = httpx.URL(url)
    assert "cancelled" in refused(callback(oauth, f"{parts.path}?{parts.query.decode()}"))


def test_unknown_provider(oauth: AuthHarness) -> None:
    refused(callback(oauth, "/auth/oauth/nope/callback?state=x&code=y"), 404)
    refused(oauth.client.get("/auth/oauth/nope/start", headers=HTML), 404)


def test_provider_down_is_a_friendly_page(make_oauth: Callable[..., AuthHarness]) -> None:
    down = {
        "kind": "oidc",
        "client_id": "x",
        "client_secret": "y",
        "discovery_url": f"http://127.0.0.1:{free_port()}/.well-known/openid-configuration",
    }
    harness = make_oauth(oauth={"providers": {"down": down}})
    refused(harness.client.get("/auth/oauth/down/start", headers=HTML), 502)


def test_the_callback_is_rate_limited(make_oauth: Callable[..., AuthHarness]) -> None:
    harness = make_oauth(ratelimit={"named": {"auth": "3/minute"}})
    answers = [
        callback(harness, "/auth/oauth/local/callback?state=x").status_code for _ in range(4)
    ]
    assert answers == [400, 400, 400, 429]


def test_linking_needs_a_signed_in_user(oauth: AuthHarness) -> None:
    response = start(oauth, "github", intent="link")
    assert response.status_code == 303
    assert response.headers["location"].startswith("/account/login")


def test_identity_linked_to_another_account_cannot_be_linked_again(oauth: AuthHarness) -> None:
    assert sign_in(oauth, "local", "first").status_code == 303
    oauth.post_form("/account/logout", {}, csrf_from="/account/")
    oauth.create_user("second@example.com")
    oauth.log_in("second@example.com")
    text = refused(sign_in(oauth, "local", "first", intent="link"), 409)
    assert "another account" in text
    assert len(links(oauth)) == 1


def test_a_disabled_account_cannot_sign_in_with_its_provider(oauth: AuthHarness) -> None:
    assert sign_in(oauth, "local", "gone").status_code == 303
    oauth.post_form("/account/logout", {}, csrf_from="/account/")
    oauth.update_user("gone@example.test", is_active=False)
    assert "disabled" in refused(sign_in(oauth, "local", "gone"), 403)
    assert me(oauth) is None


def test_github_without_any_email_cannot_sign_up(oauth: AuthHarness, github: FakeGitHub) -> None:
    github.users["hidden"] = {"id": 4242, "name": "Hidden", "emails": []}
    assert "did not share an email" in refused(sign_in(oauth, "github", "hidden"))
    assert me(oauth) is None


def test_an_unverified_github_email_is_not_used(oauth: AuthHarness, github: FakeGitHub) -> None:
    unverified = [{"email": "owner@example.com", "primary": True, "verified": False}]
    github.users["claims-owner"] = {"id": 4343, "name": "X", "emails": unverified}
    oauth.create_user("owner@example.com")
    refused(sign_in(oauth, "github", "claims-owner"), 400)
    assert me(oauth) is None
    assert links(oauth) == []


def test_the_callback_url_follows_base_url_not_the_host_header(
    make_oauth: Callable[..., AuthHarness],
) -> None:
    harness = make_oauth(app={"base_url": "https://fleet.example"})
    started = start(harness, "github")  # on the test client's own host
    assert started.status_code in (302, 303, 307), started.text
    sent = httpx.URL(started.headers["location"]).params["redirect_uri"]
    assert sent == "https://fleet.example/auth/oauth/github/callback"

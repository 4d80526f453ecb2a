"""Sign-in, sign-up, linking and unlinking end to end against the real providers."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from tests.auth.support import HTML, AuthHarness
from tests.oauth.driver import sign_in
from tests.oauth.github import FakeGitHub

from shipyard.auth.oauth import LinkedIdentity


def links(harness: AuthHarness) -> list[LinkedIdentity]:
    async def load(session: AsyncSession) -> list[LinkedIdentity]:
        return list(await session.scalars(select(LinkedIdentity).order_by(LinkedIdentity.id)))

    return harness.db(load)


def me(harness: AuthHarness) -> str | None:
    answer = harness.client.get("/api/maybe").json()
    email: str | None = answer["email"]
    return email


def test_sign_up_with_the_openid_provider_then_sign_in_again(oauth_db: AuthHarness) -> None:
    oauth = oauth_db
    response = sign_in(oauth, "local", "grace")
    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/"
    assert me(oauth) == "grace@example.test"
    user = oauth.user("grace@example.test")
    assert user.is_verified  # the provider asserted email_verified
    assert not user.password_hash.startswith("$argon2")
    [link] = links(oauth)
    assert (link.provider, link.subject, link.user_id) == ("local", "grace", user.id)
    assert link.tokens is not None
    assert "access_token" not in link.tokens
    oauth.post_form("/account/logout", {}, csrf_from="/account/")
    assert me(oauth) is None
    again = sign_in(oauth, "local", "grace", next_path="/private")
    assert again.headers["location"] == "/private"
    assert me(oauth) == "grace@example.test"
    assert len(links(oauth)) == 1


def test_unverified_email_is_not_marked_verified(oauth: AuthHarness) -> None:
    assert sign_in(oauth, "local", "unverified-ivy").status_code == 303
    assert not oauth.user("unverified-ivy@example.test").is_verified
    assert "confirm" in oauth.outbox[-1].text.lower()


def test_sign_up_with_github(oauth: AuthHarness) -> None:
    response = sign_in(oauth, "github", "octocat")
    assert response.status_code == 303, response.text
    assert me(oauth) == "octocat@example.test"
    assert oauth.user("octocat@example.test").is_verified


def test_link_github_from_the_account_page_then_unlink(oauth_db: AuthHarness) -> None:
    oauth = oauth_db
    oauth.create_user("ada@example.com")
    assert oauth.log_in("ada@example.com").status_code in (200, 303)
    page = oauth.client.get("/account/", headers=HTML).text
    assert "Connected accounts" in page
    assert "Not connected" in page
    response = sign_in(oauth, "github", "ada-gh", intent="link")
    assert response.headers["location"] == "/account/"
    [link] = links(oauth)
    assert link.provider == "github"
    assert link.email == "ada-gh@example.test"
    page = oauth.client.get("/account/", headers=HTML).text
    assert "Connected as ada-gh@example.test" in page
    oauth.post_form("/account/logout", {}, csrf_from="/account/")
    assert sign_in(oauth, "github", "ada-gh").status_code == 303
    assert me(oauth) == "ada@example.com"
    unlinked = oauth.post_form("/auth/oauth/github/unlink", {}, csrf_from="/account/")
    assert unlinked.status_code == 303
    assert links(oauth) == []


def test_the_last_way_to_sign_in_cannot_be_unlinked(oauth: AuthHarness) -> None:
    sign_in(oauth, "github", "solo")
    page = oauth.client.get("/account/", headers=HTML).text
    assert "only way to log in" in page
    refused = oauth.post_form("/auth/oauth/github/unlink", {}, csrf_from="/account/")
    assert refused.status_code == 303
    assert len(links(oauth)) == 1
    assert "only way to log in" in oauth.client.get("/account/", headers=HTML).text


def test_unlink_revokes_the_github_grant(oauth: AuthHarness, github: FakeGitHub) -> None:
    oauth.create_user("rev@example.com")
    oauth.log_in("rev@example.com")
    sign_in(oauth, "github", "rev-gh", intent="link")
    revoked = len(github.revoked)
    oauth.post_form("/auth/oauth/github/unlink", {}, csrf_from="/account/")
    assert len(github.revoked) == revoked + 1


def test_the_login_and_register_pages_offer_the_providers(oauth: AuthHarness) -> None:
    for path in ("/account/login", "/account/register"):
        page = oauth.client.get(path, headers=HTML).text
        assert "Continue with Local ID" in page
        assert "Continue with GitHub" in page
        assert "<script" not in page.split("oauth-buttons", 1)[1].split("</div>", 1)[0]

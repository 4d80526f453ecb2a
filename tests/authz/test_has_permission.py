"""HasPermission & co. for session, JWT and API-key identities, scopes, roles and 403s."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.testclient import TestClient
from tests.authz.conftest import Run

from shipyard.auth import User
from shipyard.authz import (
    assign_role,
    create_role,
    grant_permission,
    revoke_permission,
    set_role_active,
    unassign_role,
)
from shipyard.authz.roles import get_role
from shipyard.errors import ShipyardError


def add_user(run: Run, email: str, *roles: str, active: bool = True) -> None:
    async def create(session: AsyncSession) -> None:
        user = User(email=email, password_hash="x", is_active=active)
        session.add(user)
        await session.flush()
        for role in roles:
            await assign_role(session, user, role)

    run(create)


def as_(email: str, method: str = "session", scopes: str | None = None) -> dict[str, str]:
    headers = {"X-Test-User": email, "X-Test-Method": method}
    if scopes is not None:
        headers["X-Test-Scopes"] = scopes
    return headers


@pytest.fixture
def editor(run: Run) -> str:
    run(lambda session: create_role(session, "editor", ["posts:*", "*:read"]))
    add_user(run, "ed@example.com", "editor")
    return "ed@example.com"


@pytest.mark.parametrize("method", ["session", "jwt", "api_key"])
def test_granted_for_every_method_and_returns_the_identity(
    client: TestClient, editor: str, method: str
) -> None:
    response = client.get("/posts/new", headers=as_(editor, method))
    assert response.status_code == 200
    assert response.json() == {"email": editor, "method": method}


@pytest.mark.parametrize("method", ["session", "jwt", "api_key"])
def test_missing_permission_is_403_for_every_method(
    client: TestClient, run: Run, method: str
) -> None:
    run(lambda session: create_role(session, "reader", ["posts:read"]))
    add_user(run, "r@example.com", "reader")
    response = client.get("/posts/new", headers=as_("r@example.com", method))
    assert response.status_code == 403
    body = response.json()
    assert body["title"] == "Permission denied"
    assert body["required"] == ["posts:create"]


def test_403_as_html_page_and_htmx_fragment(client: TestClient, run: Run) -> None:
    add_user(run, "none@example.com")
    page = client.get("/posts/new", headers={**as_("none@example.com"), "Accept": "text/html"})
    assert page.status_code == 403
    assert "<html" in page.text
    assert "Permission denied" in page.text
    fragment = client.get("/posts/new", headers={**as_("none@example.com"), "HX-Request": "true"})
    assert fragment.status_code == 403
    assert "<html" not in fragment.text
    assert "posts:create" in fragment.text


def test_anonymous_gets_401_not_403(client: TestClient) -> None:
    assert client.get("/posts/new").status_code == 401


def test_scopes_restrict_what_roles_grant(client: TestClient, editor: str) -> None:
    assert (
        client.get("/posts/new", headers=as_(editor, "api_key", "posts:create")).status_code == 200
    )
    assert client.get("/posts/new", headers=as_(editor, "api_key", "posts:*")).status_code == 200
    assert client.get("/posts/new", headers=as_(editor, "jwt", "posts:read")).status_code == 403
    assert client.get("/posts/new", headers=as_(editor, "jwt", "")).status_code == 403
    # a scope never adds what the roles do not grant
    assert client.get("/all", headers=as_(editor, "jwt", "*")).status_code == 200
    run_scope = as_(editor, "api_key", "users:delete")
    assert client.get("/any", headers=run_scope).status_code == 403


def test_inactive_role_grants_nothing(client: TestClient, run: Run, editor: str) -> None:
    run(lambda session: set_role_active(session, "editor", False))
    assert client.get("/posts/new", headers=as_(editor)).status_code == 403
    run(lambda session: set_role_active(session, "editor", True))
    assert client.get("/posts/new", headers=as_(editor)).status_code == 200


def test_inactive_user_is_never_authorized(client: TestClient, run: Run) -> None:
    run(lambda session: create_role(session, "admin", ["*"]))
    add_user(run, "gone@example.com", "admin", active=False)
    assert client.get("/posts/new", headers=as_("gone@example.com", "api_key")).status_code == 401


def test_any_and_all(client: TestClient, run: Run) -> None:
    run(lambda session: create_role(session, "auditor", ["users:read"]))
    add_user(run, "a@example.com", "auditor")
    assert client.get("/any", headers=as_("a@example.com")).status_code == 200
    assert client.get("/all", headers=as_("a@example.com")).status_code == 403
    run(lambda session: grant_permission(session, "auditor", "posts:read"))
    assert client.get("/all", headers=as_("a@example.com")).status_code == 200
    run(lambda session: revoke_permission(session, "auditor", "users:read"))
    assert client.get("/any", headers=as_("a@example.com")).status_code == 403


def test_superuser_role_and_unassign(client: TestClient, run: Run) -> None:
    run(lambda session: create_role(session, "admin", ["*"]))
    add_user(run, "root@example.com", "admin")
    assert client.get("/posts/new", headers=as_("root@example.com")).status_code == 200

    async def demote(session: AsyncSession) -> None:
        from shipyard.auth import find_by_email

        user = await find_by_email(session, "root@example.com")
        assert user is not None
        await unassign_role(session, user, "admin")

    run(demote)
    assert client.get("/posts/new", headers=as_("root@example.com")).status_code == 403


def test_can_template_global(client: TestClient, editor: str) -> None:
    assert client.get("/menu", headers=as_(editor)).text == "True/False"
    assert client.get("/menu", headers=as_(editor, "jwt", "posts:read")).text == "False/False"
    assert client.get("/menu").text == "False/False"


def test_real_login_session_end_to_end(client: TestClient, editor: str, run: Run) -> None:
    assert client.get(f"/test-login/{editor}").status_code == 200
    assert client.get("/posts/new").json()["method"] == "session"
    run(lambda session: set_role_active(session, "editor", False))
    assert client.get("/posts/new").status_code == 403


def test_role_management_errors(run: Run) -> None:
    run(lambda session: create_role(session, "editor", ["posts:*", "posts:*"]))
    with pytest.raises(ShipyardError, match="already exists"):
        run(lambda session: create_role(session, "editor"))
    with pytest.raises(ShipyardError, match="invalid permission"):
        run(lambda session: create_role(session, "bad", ["posts"]))
    with pytest.raises(ShipyardError, match="invalid role name"):
        run(lambda session: create_role(session, " padded "))
    with pytest.raises(ShipyardError, match="no role named"):
        run(lambda session: grant_permission(session, "ghost", "posts:read"))
    with pytest.raises(ShipyardError, match="does not hold"):
        run(lambda session: revoke_permission(session, "editor", "users:read"))
    role = run(lambda session: get_role(session, "editor"))
    assert role.permissions == ["posts:*"]


def test_has_permission_refuses_wildcards_at_declaration() -> None:
    from shipyard.authz import HasPermission

    with pytest.raises(ShipyardError):
        HasPermission("posts:*")

"""The identity helpers used from a project's own test suite (through pytester)."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]

CONFTEST = """
import pytest
from fastapi import APIRouter, Depends

from shipyard import App, Settings
from shipyard.auth import AuthExtension, CurrentIdentity
from shipyard.authz import HasPermission
from shipyard.db import Model
from shipyard.auth.tokens import TokensExtension

router = APIRouter()


@router.get("/me")
async def me(identity: CurrentIdentity):
    return {"email": identity.user.email, "method": identity.method}


@router.post("/admin", dependencies=[Depends(HasPermission("site:manage"))])
async def admin():
    return {"ok": True}


@pytest.fixture
def app(tmp_path_factory):
    root = tmp_path_factory.getbasetemp() / "project"
    root.mkdir(exist_ok=True)
    settings = Settings.model_validate({
        "profile": "test",
        "database": {"url": f"sqlite+aiosqlite:///{root / 'test.db'}"},
        "auth": {"argon2_time_cost": 1, "argon2_memory_cost": 8},
    })
    application = App(
        settings=settings,
        root=root,
        extensions=[AuthExtension(prefix="/account"), TokensExtension(prefix=None)],
    )
    application.include_router(router)

    return application
"""

TESTS = """
import pytest

from shipyard.testing import Scenario, UserFactory, first_link


@pytest.mark.parametrize("via", ["session", "jwt", "api_key"])
async def test_as_user(client, db_session, via):
    built = await Scenario().with_user(admin=True).with_user().build(db_session)
    assert (await client.get_as(built.admin, "/me", via=via)).json()["method"] == via
    assert (await client.post_as(built.admin, "/admin", via=via)).status_code == 200
    assert (await client.post_as(built.users[1], "/admin", via=via)).status_code == 403


async def test_inactive(client, db_session):
    user = await UserFactory().create(db_session, is_active=False)
    assert (await client.get_as(user, "/me")).status_code == 401


async def test_rolled_back(client, db_session):
    from sqlalchemy import func, select
    from shipyard.auth import User
    assert await db_session.scalar(select(func.count()).select_from(User)) == 0


async def test_outbox(client, db_session, mail_outbox):
    await client.get("/account/register", headers={"Accept": "text/html"})
    password = "a long enough passphrase"
    await client.post(
        "/account/register",
        data={"email": "ada@example.test", "password": password, "password_confirm": password},
        headers={"X-CSRF-Token": client.csrf_token()},
    )
    assert "/account/verify?token=" in first_link(mail_outbox[0])
"""


def test_project_tests_use_as_user_scenario_and_outbox(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(test_identity=TESTS)
    pytester.makeini("[pytest]\nasyncio_mode = auto\n")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-q")
    result.assert_outcomes(passed=6)

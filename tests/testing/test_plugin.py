"""The pytest plugin, run the way a user's project runs it (through pytester)."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]

CONFTEST = """
from pathlib import Path

import pytest
from fastapi import APIRouter
from sqlalchemy import select
from sqlalchemy.orm import Mapped

from shipyard import App, Settings
from shipyard.config import DatabaseSettings
from shipyard.db import DbSession, IdMixin, Model


class Note(IdMixin, Model):
    __tablename__ = "notes"
    text: Mapped[str]


router = APIRouter()


@router.post("/notes", status_code=201)
async def create(text: str, session: DbSession) -> dict[str, int]:
    note = Note(text=text)
    session.add(note)
    await session.flush()
    return {"id": note.id}


@router.get("/notes")
async def listing(session: DbSession) -> list[str]:
    return list((await session.scalars(select(Note.text).order_by(Note.id))).all())


@pytest.fixture
def app(tmp_path_factory):
    root = tmp_path_factory.getbasetemp() / "project"
    root.mkdir(exist_ok=True)
    url = f"sqlite+aiosqlite:///{root / 'test.db'}"
    settings = Settings(profile="test", database=DatabaseSettings(url=url))
    application = App(settings=settings, root=root)
    application.include_router(router)

    return application
"""

TESTS = """
from sqlalchemy import func, select

from conftest import Note


async def test_1_writes_are_visible_inside_the_test(client, db_session):
    assert (await client.post("/notes", params={"text": "first"})).status_code == 201
    assert (await client.get("/notes")).json() == ["first"]
    assert await db_session.scalar(select(func.count()).select_from(Note)) == 1


async def test_2_and_rolled_back_after_it(client, db_session):
    assert (await client.get("/notes")).json() == []


async def test_3_without_db_session_requests_commit_for_real(client):
    assert (await client.post("/notes", params={"text": "kept"})).status_code == 201


async def test_4_so_the_next_test_sees_it(client, db_session):
    assert (await client.get("/notes")).json() == ["kept"]


def test_5_override_settings_lasts_for_the_test(app, override_settings):
    override_settings(app__name="Changed", database__echo=True)
    assert app.settings.app.name == "Changed"
    assert app.settings.database.echo is True


def test_6_and_is_undone_after_it(app):
    assert app.settings.app.name != "Changed"
"""


def test_fixtures_isolate_database_work_and_settings(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(test_usage=TESTS)
    pytester.makeini("[pytest]\nasyncio_mode = auto\n")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-q")
    result.assert_outcomes(passed=6)


def test_app_fixture_finds_the_project_app_with_the_test_profile(
    pytester: pytest.Pytester,
) -> None:
    pytester.mkpydir("app")
    pytester.path.joinpath("app", "main.py").write_text("from shipyard import App\n\napp = App()\n")
    pytester.makepyfile(
        test_found="""
def test_found(app):
    from shipyard import App
    assert isinstance(app, App)
    assert app.settings.profile == "test"
"""
    )
    pytester.makeini("[pytest]\nasyncio_mode = auto\npythonpath = .\n")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-q")
    result.assert_outcomes(passed=1)

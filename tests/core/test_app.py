"""The App: built from settings, plain FastAPI compatible, lifespan and extension hooks."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated

import httpx
import pytest
from fastapi import APIRouter, Depends, FastAPI

from shipyard import App, Extension, Settings, SettingsDep
from shipyard.config.models import AppSettings, ServerSettings
from shipyard.core.app import AppBase


def make_app(tmp_path: Path, **kwargs: object) -> App:
    settings = Settings(profile="test", app=AppSettings(name="Test app"))
    return App(settings=settings, root=tmp_path, **kwargs)  # type: ignore[arg-type]


async def get(app: App, path: str) -> httpx.Response:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        return await client.get(path)


def double(n: int) -> int:
    """A plain FastAPI dependency, unaware of Shipyard."""
    return n * 2


router = APIRouter(prefix="/math")


@router.get("/double/{n}")
async def doubled(value: Annotated[int, Depends(double)]) -> dict[str, int]:
    return {"value": value}


class Recorder(Extension):
    """An extension that records every hook call into a shared journal."""

    def __init__(self, name: str, journal: list[str]) -> None:
        self.name = name
        self.journal = journal

    def setup(self, app: AppBase) -> None:
        self.journal.append(f"setup {self.name}")

    async def startup(self, app: AppBase) -> None:
        self.journal.append(f"startup {self.name}")

    async def shutdown(self, app: AppBase) -> None:
        self.journal.append(f"shutdown {self.name}")


def test_title_and_settings_come_from_settings(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    assert app.title == "Test app"
    assert app.settings.profile == "test"
    assert app.root == tmp_path.resolve()


async def test_plain_fastapi_router_and_dependency_work_unchanged(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    app.include_router(router)
    response = await get(app, "/math/double/21")
    assert response.status_code == 200
    assert response.json() == {"value": 42}
    assert (await get(app, "/math/double/x")).status_code == 422


async def test_settings_dependency_reads_current_settings(tmp_path: Path) -> None:
    app = make_app(tmp_path)

    @app.get("/profile")
    async def profile(settings: SettingsDep) -> dict[str, str]:
        return {"profile": settings.profile, "name": settings.app.name}

    assert (await get(app, "/profile")).json() == {"profile": "test", "name": "Test app"}


async def test_lifespan_runs_hooks_in_order_and_stops_in_reverse(tmp_path: Path) -> None:
    journal: list[str] = []

    @asynccontextmanager
    async def user_lifespan(_: FastAPI) -> AsyncIterator[None]:
        journal.append("user enter")
        yield
        journal.append("user exit")

    app = make_app(
        tmp_path,
        extensions=[Recorder("a", journal), Recorder("b", journal)],
        lifespan=user_lifespan,
    )

    @app.on_startup
    async def started(_: App) -> None:
        journal.append("hook startup")

    @app.on_shutdown
    async def stopping(_: App) -> None:
        journal.append("hook shutdown")

    assert journal == ["setup a", "setup b"]
    async with app.router.lifespan_context(app):
        journal.append("serving")
    assert journal == [
        "setup a",
        "setup b",
        "startup a",
        "startup b",
        "hook startup",
        "user enter",
        "serving",
        "user exit",
        "hook shutdown",
        "shutdown b",
        "shutdown a",
    ]


async def test_failed_startup_stops_only_what_started(tmp_path: Path) -> None:
    journal: list[str] = []

    class Broken(Recorder):
        async def startup(self, app: AppBase) -> None:
            raise RuntimeError("pool refused")

    app = make_app(tmp_path, extensions=[Recorder("a", journal), Broken("b", journal)])
    with pytest.raises(RuntimeError, match="pool refused"):
        async with app.router.lifespan_context(app):
            pass
    assert "shutdown a" in journal
    assert "shutdown b" not in journal


async def test_shutdown_is_bounded_and_failures_do_not_stop_the_others(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    journal: list[str] = []

    class Hangs(Recorder):
        async def shutdown(self, app: AppBase) -> None:
            await asyncio.sleep(3600)

    class Fails(Recorder):
        async def shutdown(self, app: AppBase) -> None:
            raise RuntimeError("close failed")

    settings = Settings(profile="test", server=ServerSettings(graceful_timeout=0.05))
    app = App(
        settings=settings,
        root=tmp_path,
        extensions=[Recorder("first", journal), Hangs("hangs", journal), Fails("fails", journal)],
    )
    with caplog.at_level(logging.WARNING, logger="shipyard.app"):
        async with app.router.lifespan_context(app):
            pass
    assert journal[-1] == "shutdown first"
    messages = caplog.text
    assert "hangs did not stop within 0.1s" in messages or "hangs did not stop" in messages
    assert "fails failed while stopping" in messages


def test_extension_lookup(tmp_path: Path) -> None:
    journal: list[str] = []
    recorder = Recorder("r", journal)
    app = make_app(tmp_path, extensions=[recorder])
    assert app.extension(Recorder) is recorder

    class Missing(Extension):
        pass

    with pytest.raises(LookupError, match="no Missing is registered"):
        app.extension(Missing)


def test_template_and_static_dirs_keep_app_overrides_first(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    app.add_template_dir(tmp_path / "ext-templates")
    app.add_template_dir(tmp_path / "app-templates", override=True)
    app.add_static_dir(tmp_path / "ext-static")
    app.add_static_dir(tmp_path / "app-static", override=True)
    assert app.template_dirs[:2] == [tmp_path / "app-templates", tmp_path / "ext-templates"]
    assert app.static_dirs[:2] == [tmp_path / "app-static", tmp_path / "ext-static"]


def test_app_templates_and_static_are_added_first_when_present(tmp_path: Path) -> None:
    (tmp_path / "app" / "templates").mkdir(parents=True)
    extension_dir = tmp_path / "ext-templates"

    class AddsTemplates(Extension):
        name = "adds-templates"

        def setup(self, app: AppBase) -> None:
            app.add_template_dir(extension_dir, override=True)

    app = make_app(tmp_path, extensions=[AddsTemplates()])
    assert app.template_dirs[:2] == [tmp_path / "app" / "templates", extension_dir]
    assert tmp_path / "app" / "static" not in app.static_dirs

    (tmp_path / "app" / "static").mkdir()
    assert make_app(tmp_path).static_dirs[0] == tmp_path / "app" / "static"

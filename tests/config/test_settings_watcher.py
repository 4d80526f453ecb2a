"""Hot reload end to end: a real file watcher notices edits and swaps the settings."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from types import SimpleNamespace
from typing import TYPE_CHECKING, cast

import pytest
from tests.config.conftest import Project

from shipyard.config import Settings, SettingsHolder
from shipyard.config.reload import ConfigReloadExtension, ConfigWatcher, hot_reload_enabled

if TYPE_CHECKING:
    from shipyard.app import App

TIMEOUT = 15.0


async def _eventually(condition: Callable[[], bool]) -> None:
    deadline = asyncio.get_running_loop().time() + TIMEOUT
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            pytest.fail(f"condition not met within {TIMEOUT}s")
        await asyncio.sleep(0.05)


@pytest.fixture
def holder(project: Project) -> SettingsHolder:
    project.write("config/settings.toml", "[app]\nname = 'first'\n")
    return SettingsHolder.load(project.root, environ={})


async def test_watcher_reloads_valid_edits_and_keeps_old_on_invalid(
    project: Project, holder: SettingsHolder, caplog: pytest.LogCaptureFixture
) -> None:
    seen: list[str] = []

    async def hook(old: Settings, new: Settings) -> None:
        seen.append(new.app.name)

    holder.on_reload(hook)
    watcher = ConfigWatcher(holder, debounce_ms=100)
    assert watcher.start()
    try:
        await asyncio.sleep(0.3)  # let the OS watch be in place
        project.write("config/settings.toml", "[app]\nname = 'second'\n")
        await _eventually(lambda: holder.current.app.name == "second")
        await _eventually(lambda: seen == ["second"])

        with caplog.at_level(logging.ERROR, logger="shipyard.config"):
            project.write("config/settings.toml", "[app\nname = 'broken'\n")
            await _eventually(lambda: "keeping the previous settings" in caplog.text)
        assert holder.current.app.name == "second"
        assert "config/settings.toml:1" in caplog.text

        project.write(".env", "SHIPYARD_APP__NAME=from-dotenv\n")
        project.write("config/settings.toml", "[app]\nname = 'third'\n")
        await _eventually(lambda: holder.current.app.name == "from-dotenv")
    finally:
        await watcher.stop()
    assert watcher.paths() == [project.root / "config", project.root / ".env"]


async def test_watcher_with_nothing_to_watch(tmp_path: object) -> None:
    holder = SettingsHolder.of(Settings(), root=str(tmp_path))
    watcher = ConfigWatcher(holder)
    assert watcher.start() is False
    await watcher.stop()


@pytest.mark.parametrize(
    ("profile", "hot_reload", "expected"),
    [
        ("development", None, True),
        ("production", None, False),
        ("test", None, False),
        ("production", True, True),
        ("development", False, False),
    ],
)
def test_hot_reload_enabled(profile: str, hot_reload: bool | None, expected: bool) -> None:
    settings = Settings.model_validate({"profile": profile, "config": {"hot_reload": hot_reload}})
    assert hot_reload_enabled(settings) is expected


async def test_extension_starts_and_stops_the_watcher(
    project: Project, holder: SettingsHolder
) -> None:
    extension = ConfigReloadExtension(debounce_ms=100)
    assert extension.name == "config-reload"
    app = cast("App", SimpleNamespace(settings_holder=holder))
    await extension.startup(app)
    assert extension.watcher is not None
    try:
        await asyncio.sleep(0.3)
        project.write("config/settings.local.toml", "[app]\nname = 'local'\n")
        await _eventually(lambda: holder.current.app.name == "local")
    finally:
        await extension.shutdown(app)
    assert extension.watcher is None


async def test_extension_stays_off_outside_development(project: Project) -> None:
    environ = {
        "SHIPYARD_APP__SECRET_KEY": "k" * 40,
        "SHIPYARD_APP__BASE_URL": "https://watcher.example",
        "SHIPYARD_MAIL__BACKEND": "file",
    }
    holder = SettingsHolder.load(project.root, profile="production", environ=environ)
    extension = ConfigReloadExtension()
    app = cast("App", SimpleNamespace(settings_holder=holder))
    await extension.startup(app)
    assert extension.watcher is None
    await extension.shutdown(app)


async def test_app_reloads_while_running_and_calls_its_hooks(
    project: Project, clean_env: None
) -> None:
    from shipyard.app import App

    project.write(
        "config/settings.toml",
        "[app]\nname = 'first'\n[database]\nurl = 'sqlite+aiosqlite:///:memory:'\n",
    )
    app = App(root=project.root)
    changes: list[tuple[str, str]] = []
    app.settings_holder.on_reload(lambda old, new: changes.append((old.app.name, new.app.name)))
    async with app.router.lifespan_context(app):
        await asyncio.sleep(0.3)
        project.write("config/settings.local.toml", "[app]\nname = 'edited'\n")
        await _eventually(lambda: app.settings.app.name == "edited")
    assert changes == [("first", "edited")]

"""SettingsHolder: reload (valid and invalid edits), hooks, overrides and the redacted view."""

from __future__ import annotations

import logging
from types import SimpleNamespace

import pytest
from tests.config.conftest import Project

from shipyard.config import (
    ConfigError,
    Settings,
    SettingsHolder,
    override_settings,
    redacted,
)
from shipyard.config import holder as holder_module


@pytest.fixture
def holder(project: Project) -> SettingsHolder:
    project.write("config/settings.toml", "[app]\nname = 'first'\n")
    return SettingsHolder.load(project.root, environ={})


def test_load_records_provenance(holder: SettingsHolder) -> None:
    assert holder.current.app.name == "first"
    assert holder.provenance["app.name"].describe(holder.root) == "config/settings.toml:2"
    assert holder.provenance["server.port"].kind == "default"
    assert holder.can_reload


def test_reload_with_a_valid_edit_swaps_and_calls_hooks(
    project: Project, holder: SettingsHolder
) -> None:
    calls: list[tuple[str, str]] = []
    holder.on_reload(lambda old, new: calls.append((old.app.name, new.app.name)))
    project.write("config/settings.toml", "[app]\nname = 'second'\n")
    assert holder.reload() is True
    assert holder.current.app.name == "second"
    assert calls == [("first", "second")]


def test_reload_with_an_invalid_edit_keeps_old_settings_and_logs(
    project: Project, holder: SettingsHolder, caplog: pytest.LogCaptureFixture
) -> None:
    calls: list[Settings] = []
    holder.on_reload(lambda old, new: calls.append(new))
    before = holder.current
    project.write("config/settings.toml", "[app]\nname = 'second'\n[server]\nport = 'x'\n")
    with caplog.at_level(logging.ERROR, logger="shipyard.config"):
        assert holder.reload() is False
    assert holder.current is before
    assert calls == []
    assert "keeping the previous settings" in caplog.text
    assert "config/settings.toml:4: server.port" in caplog.text


async def test_async_hooks_are_awaited_by_areload(project: Project, holder: SettingsHolder) -> None:
    seen: list[str] = []

    async def hook(old: Settings, new: Settings) -> None:
        seen.append(new.app.name)

    def failing(old: Settings, new: Settings) -> None:
        raise RuntimeError("hook bug")

    holder.on_reload(failing)
    holder.on_reload(hook)
    project.write("config/settings.toml", "[app]\nname = 'async'\n")
    assert await holder.areload() is True
    assert seen == ["async"]


def test_async_hook_runs_from_sync_reload_without_a_loop(
    project: Project, holder: SettingsHolder
) -> None:
    seen: list[str] = []

    async def hook(old: Settings, new: Settings) -> None:
        seen.append(new.app.name)

    holder.on_reload(hook)
    project.write("config/settings.toml", "[app]\nname = 'sync'\n")
    assert holder.reload()
    assert seen == ["sync"]


def test_settings_built_in_code_are_not_reloaded(tmp_path: object) -> None:
    settings = Settings(profile="test")
    holder = SettingsHolder.of(settings)
    assert not holder.can_reload
    assert holder.reload() is False
    assert holder.current is settings


def test_override_nested_keys_and_dicts_then_restore(holder: SettingsHolder) -> None:
    before = holder.current
    with holder.override(database__echo=True, server={"port": 9001}, profile="test") as inside:
        assert holder.current is inside
        assert inside.database.echo is True
        assert inside.server.port == 9001
        assert inside.server.host == before.server.host
        assert inside.app.name == "first"
        with holder.override(app__name="nested"):
            assert holder.current.app.name == "nested"
        assert holder.current.app.name == "first"
    assert holder.current is before


def test_override_restores_on_error(holder: SettingsHolder) -> None:
    before = holder.current
    with pytest.raises(RuntimeError), holder.override(app__debug=True):
        raise RuntimeError("boom")
    assert holder.current is before


def test_invalid_override_is_a_config_error(holder: SettingsHolder) -> None:
    with pytest.raises(ConfigError) as caught, holder.override(server__prot=1):
        pass
    assert str(caught.value.problems[0]) == (
        "override_settings(): server.prot: unknown key; did you mean 'server.port'?"
    )


def test_override_settings_targets(holder: SettingsHolder) -> None:
    app_like = SimpleNamespace(settings_holder=holder)
    with override_settings(app_like, app__name="via app"):
        assert holder.current.app.name == "via app"
    with override_settings(holder, app__name="via holder"):
        assert holder.current.app.name == "via holder"
    latest = SettingsHolder.of(Settings())
    with override_settings(app__name="default holder") as settings:
        assert latest.current is settings
        assert holder.current.app.name == "first"
    with pytest.raises(TypeError), override_settings(object()):
        pass


def test_override_settings_without_any_holder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(holder_module, "_default_holder", None)
    with pytest.raises(ConfigError, match="no settings are loaded yet"), override_settings():
        pass


def test_redacted_view_masks_secrets() -> None:
    class Extra(Settings):
        api_token: str = "tok-123"
        password_hint: str = "hidden"

    view = redacted(Extra())
    assert view["database.url"] == "********"
    assert view["app.secret_key"] == "********"
    assert view["api_token"] == "********"
    assert view["password_hint"] == "********"
    assert view["config.secrets_dir"] is None
    assert view["server.port"] == 8000
    assert view["database.migrations_dir"] == "migrations"

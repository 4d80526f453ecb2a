"""Third-party extensions found through the ``shipyard.plugins`` entry-point group."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from fastapi.routing import iter_route_contexts
from typer.testing import CliRunner

from shipyard import App, Settings, ShipyardError
from shipyard.config.models import AppSettings
from shipyard.extension import discover_plugins

PLUGIN_SOURCE = '''
import typer
from fastapi import APIRouter
from shipyard import Extension

router = APIRouter()


@router.get("/from-plugin")
async def hello() -> dict[str, str]:
    return {"from": "plugin"}


group = typer.Typer(name="fake", help="Commands of the fake plugin.")


@group.command()
def hello_cmd() -> None:
    """Say hello."""
    print("hello from the fake plugin")


class FakePlugin(Extension):
    def setup(self, app):
        app.include_router(router)

    def cli(self):
        return group


not_an_extension = object()
'''


def install_fake_distribution(
    root: Path, entry_points: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    (root / "fakeplugin").mkdir()
    (root / "fakeplugin" / "__init__.py").write_text(PLUGIN_SOURCE)
    info = root / "fakeplugin-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: fakeplugin\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(textwrap.dedent(entry_points))
    monkeypatch.syspath_prepend(str(root))


def route_paths(app: App) -> set[str | None]:
    return {route.path for route in iter_route_contexts(app.routes)}


@pytest.fixture
def good_plugin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    install_fake_distribution(
        tmp_path, "[shipyard.plugins]\nfake = fakeplugin:FakePlugin\n", monkeypatch
    )
    return tmp_path


def test_installed_plugin_is_discovered_and_named(good_plugin: Path) -> None:
    plugins = [p for p in discover_plugins() if p.name == "fake"]
    assert len(plugins) == 1
    assert type(plugins[0]).__name__ == "FakePlugin"


def test_disabled_plugin_is_not_loaded(good_plugin: Path) -> None:
    assert all(p.name != "fake" for p in discover_plugins(disabled=["fake"]))


def test_app_autoloads_plugin_routes(good_plugin: Path) -> None:
    app = App(settings=Settings(profile="test"), root=good_plugin)
    assert "/from-plugin" in route_paths(app)
    assert any(group.info.name == "fake" for group in app.cli_groups)


def test_app_can_turn_autoload_off(good_plugin: Path) -> None:
    settings = Settings(profile="test", app=AppSettings(plugins_autoload=False))
    app = App(settings=settings, root=good_plugin)
    assert "/from-plugin" not in route_paths(app)


def test_plugin_cli_group_joins_the_shipyard_command(
    good_plugin: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from shipyard.cli import main

    monkeypatch.setattr(main, "cli", main.build_cli())
    main.add_plugin_groups(main.cli)
    result = CliRunner().invoke(main.cli, ["fake", "hello-cmd"])
    assert result.exit_code == 0, result.output
    assert "hello from the fake plugin" in result.output


def test_plugin_that_is_not_an_extension_is_refused_clearly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    install_fake_distribution(
        tmp_path, "[shipyard.plugins]\nodd = fakeplugin:not_an_extension\n", monkeypatch
    )
    with pytest.raises(ShipyardError, match=r"plugin 'odd' .* is not a shipyard Extension"):
        discover_plugins()


def test_plugin_that_fails_to_import_names_itself(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    install_fake_distribution(
        tmp_path, "[shipyard.plugins]\nbroken = fakeplugin.missing:Thing\n", monkeypatch
    )
    with pytest.raises(ShipyardError, match=r"plugin 'broken' .* failed to import"):
        discover_plugins()

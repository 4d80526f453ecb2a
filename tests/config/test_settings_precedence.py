"""Each settings source beats the one below it; lower layers fill in what higher ones omit."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from tests.config.conftest import Project

from shipyard.config import Settings

# Each layer sets server.port to its own value; the test enables layers up to one of them.
Layer = Callable[[Project, dict[str, str], int], None]


def _defaults(project: Project, env: dict[str, str], port: int) -> None:
    """Nothing to write: the model default (8000) applies."""


def _base(project: Project, env: dict[str, str], port: int) -> None:
    project.write("config/settings.toml", f"[server]\nport = {port}\n")


def _profile(project: Project, env: dict[str, str], port: int) -> None:
    project.write("config/settings.development.toml", f"[server]\nport = {port}\n")


def _local(project: Project, env: dict[str, str], port: int) -> None:
    project.write("config/settings.local.toml", f"server.port = {port}\n")


def _dotenv(project: Project, env: dict[str, str], port: int) -> None:
    project.write(".env", f"# comment\nSHIPYARD_SERVER__PORT={port}\n")


def _environment(project: Project, env: dict[str, str], port: int) -> None:
    env["SHIPYARD_SERVER__PORT"] = str(port)


def _secrets_dir(project: Project, env: dict[str, str], port: int) -> None:
    project.write("secrets/server__port", f"{port}\n")
    env["SHIPYARD_SECRETS_DIR"] = str(project.root / "secrets")


def _secret_ref(project: Project, env: dict[str, str], port: int) -> None:
    # the reference sits in the highest layer below, and its resolved value wins
    project.write("secrets/server__port", "secret://env/PORT_SECRET")
    env["PORT_SECRET"] = str(port)


LAYERS: list[tuple[str, Layer, str]] = [
    ("default", _defaults, "default"),
    ("settings.toml", _base, "config/settings.toml:2"),
    ("settings.development.toml", _profile, "config/settings.development.toml:2"),
    ("settings.local.toml", _local, "config/settings.local.toml:1"),
    (".env", _dotenv, ".env:2 (SHIPYARD_SERVER__PORT)"),
    ("environment", _environment, "environment variable SHIPYARD_SERVER__PORT"),
    ("secrets dir", _secrets_dir, "secrets dir file secrets/server__port"),
    ("secret reference", _secret_ref, "secret secret://env/PORT_SECRET (referenced in "),
]


@pytest.mark.parametrize("top", range(1, len(LAYERS)), ids=[name for name, *_ in LAYERS[1:]])
def test_each_layer_beats_the_one_below(project: Project, top: int) -> None:
    env: dict[str, str] = {}
    for index, (_, write, _) in enumerate(LAYERS[: top + 1]):
        write(project, env, 9000 + index)
    loaded = project.load(environ=env)
    assert loaded.settings.server.port == 9000 + top
    shown = loaded.provenance["server.port"].describe(project.root.resolve())
    assert shown.startswith(LAYERS[top][2].format(root=project.root.resolve()))


def test_defaults_apply_without_any_file(project: Project) -> None:
    loaded = project.load()
    assert loaded.settings == Settings()
    assert {source.kind for source in loaded.provenance.values()} == {"default"}


def test_layers_merge_key_by_key(project: Project) -> None:
    project.write(
        "config/settings.toml",
        """
        [app]
        name = "Base name"
        [server]
        host = "0.0.0.0"
        port = 8100
        """,
    )
    project.write("config/settings.development.toml", "[server]\nworkers = 3\n")
    loaded = project.load(environ={"SHIPYARD_SERVER__PORT": "8200"})
    server = loaded.settings.server
    assert (server.host, server.port, server.workers) == ("0.0.0.0", 8200, 3)
    assert loaded.settings.app.name == "Base name"
    assert loaded.provenance["server.host"].line == 4
    assert loaded.provenance["server.workers"].kind == "file"
    assert loaded.provenance["server.port"].kind == "env"
    assert loaded.provenance["database.echo"].kind == "default"


def test_environment_keys_are_case_insensitive_and_lists_are_json(project: Project) -> None:
    env = {
        "shipyard_app__DEBUG": "true",
        "SHIPYARD_APP__DISABLED_PLUGINS": '["jobs", "mail"]',
    }
    settings = project.load(environ=env).settings
    assert settings.app.debug is True
    assert settings.app.disabled_plugins == ["jobs", "mail"]


def test_unrelated_shipyard_variables_are_ignored(project: Project) -> None:
    env = {
        "SHIPYARD_APP": "app.main:app",  # the CLI's app path, not the [app] section
        "SHIPYARD_REQUIRE_SERVICES": "1",
        "SHIPYARD_TEST_POSTGRES_URL": "postgresql://x",
        "OTHER__SERVER__PORT": "1",
    }
    assert project.load(environ=env).settings == Settings()


def test_dotenv_reads_only_shipyard_keys(project: Project) -> None:
    project.write(".env", "export SHIPYARD_APP__NAME='From dotenv'\nDEBUG=1\nPATH=/nowhere\n")
    loaded = project.load()
    assert loaded.settings.app.name == "From dotenv"
    assert loaded.provenance["app.name"].line == 1


def test_os_environ_is_used_when_no_mapping_is_given(
    project: Project, monkeypatch: pytest.MonkeyPatch, clean_env: None
) -> None:
    from shipyard.config import load_settings

    monkeypatch.setenv("SHIPYARD_SERVER__HOST", "10.0.0.1")
    assert load_settings(project.root).server.host == "10.0.0.1"

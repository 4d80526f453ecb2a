"""The secrets directory and secret references (env, file, custom and plugin providers)."""

from __future__ import annotations

from collections.abc import Iterator
from importlib.metadata import EntryPoint

import pytest
from tests.config.conftest import Project

from shipyard.config import (
    ConfigError,
    register_secret_provider,
    unregister_secret_provider,
)
from shipyard.config import secrets as secrets_module
from shipyard.errors import ShipyardError


def test_secrets_dir_from_setting_one_file_per_key(project: Project) -> None:
    project.write("config/settings.toml", "[config]\nsecrets_dir = 'run/secrets'\n")
    project.write("run/secrets/database__url", "postgresql+asyncpg://db/app\n")
    project.write("run/secrets/app.secret_key", "  s3cret  \n")
    project.write("run/secrets/.hidden", "ignored")
    project.write("run/secrets/unrelated_docker_secret", "ignored")
    (project.root / "run/secrets/..data").mkdir()
    loaded = project.load()
    settings = loaded.settings
    assert settings.database.url.get_secret_value() == "postgresql+asyncpg://db/app"
    assert settings.app.secret_key.get_secret_value() == "s3cret"
    assert loaded.provenance["database.url"].kind == "secrets_dir"
    assert loaded.provenance["database.url"].path == project.root / "run/secrets/database__url"


def test_secrets_dir_from_environment(
    project: Project, tmp_path_factory: pytest.TempPathFactory
) -> None:
    directory = tmp_path_factory.mktemp("secrets")
    (directory / "server__port").write_text("9999")
    settings = project.load(environ={"SHIPYARD_SECRETS_DIR": str(directory)}).settings
    assert settings.server.port == 9999


def test_missing_secrets_dir_names_where_it_was_set(project: Project) -> None:
    project.write("config/settings.toml", "[config]\nsecrets_dir = 'nope'\n")
    with pytest.raises(ConfigError) as caught:
        project.load()
    (problem,) = caught.value.problems
    assert problem.key == "config.secrets_dir"
    assert problem.source == "config/settings.toml:2"
    assert "does not exist" in problem.message


def test_env_reference(project: Project) -> None:
    project.write("config/settings.toml", "[database]\nurl = 'secret://env/DATABASE_URL'\n")
    loaded = project.load(environ={"DATABASE_URL": "sqlite+aiosqlite:///x.db"})
    assert loaded.settings.database.url.get_secret_value() == "sqlite+aiosqlite:///x.db"
    source = loaded.provenance["database.url"]
    assert source.kind == "secret_ref"
    assert source.describe(project.root.resolve()) == (
        "secret secret://env/DATABASE_URL (referenced in config/settings.toml:2)"
    )


def test_missing_env_secret_names_key_reference_and_fix(project: Project) -> None:
    project.write("config/settings.toml", "[database]\nurl = 'secret://env/DATABASE_URL'\n")
    with pytest.raises(ConfigError) as caught:
        project.load()
    (problem,) = caught.value.problems
    assert problem.key == "database.url"
    assert problem.source == "config/settings.toml:2"
    assert "secret://env/DATABASE_URL" in problem.message
    assert "environment variable DATABASE_URL is not set" in problem.message
    assert "fix: export DATABASE_URL=..." in problem.message


def test_file_reference_relative_and_absolute(project: Project) -> None:
    project.write("keys/app.key", "from-file\n")
    absolute = project.write("abs/db", "sqlite+aiosqlite:///abs.db")
    env = {
        "SHIPYARD_APP__SECRET_KEY": "secret://file/keys/app.key",
        "SHIPYARD_DATABASE__URL": f"secret://file/{absolute}",
    }
    settings = project.load(environ=env).settings
    assert settings.app.secret_key.get_secret_value() == "from-file"
    assert settings.database.url.get_secret_value() == "sqlite+aiosqlite:///abs.db"


def test_missing_file_secret(project: Project) -> None:
    env = {"SHIPYARD_APP__SECRET_KEY": "secret://file/keys/missing"}
    with pytest.raises(ConfigError) as caught:
        project.load(environ=env)
    (problem,) = caught.value.problems
    assert problem.source == "environment variable SHIPYARD_APP__SECRET_KEY"
    assert "keys/missing does not exist" in problem.message


def test_json_member_of_a_secret(project: Project) -> None:
    env = {
        "CREDS": '{"user": "u", "port": 5433}',
        "SHIPYARD_APP__NAME": "secret://env/CREDS#user",
        "SHIPYARD_SERVER__PORT": "secret://env/CREDS#port",
    }
    settings = project.load(environ=env).settings
    assert (settings.app.name, settings.server.port) == ("u", 5433)


@pytest.mark.parametrize(
    ("reference", "expected"),
    [
        ("secret://env/CREDS#nope", "has no key 'nope'; fix: use one of its keys: user"),
        ("secret://env/PLAIN#user", "not a JSON object"),
        ("secret://nowhere/x", "unknown secret provider 'nowhere'; fix: use one of aws, env, file"),
        ("secret://env", "malformed secret reference"),
    ],
)
def test_bad_references(project: Project, reference: str, expected: str) -> None:
    env = {"CREDS": '{"user": "u"}', "PLAIN": "p", "SHIPYARD_APP__NAME": reference}
    with pytest.raises(ConfigError) as caught:
        project.load(environ=env)
    assert expected in caught.value.problems[0].message


class _Vault:
    """A stand-in for a Vault/GCP/Azure provider."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    def resolve(self, name: str) -> str:
        self.asked.append(name)
        if name == "missing":
            raise ShipyardError("vault has no secret 'missing'", hint="vault kv put ...")
        if name == "broken":
            raise RuntimeError("connection reset")
        return f"vault:{name}"


@pytest.fixture
def vault() -> Iterator[_Vault]:
    provider = _Vault()
    register_secret_provider("vault", provider)
    yield provider
    unregister_secret_provider("vault")


def test_registered_provider_resolves_each_secret_once(project: Project, vault: _Vault) -> None:
    env = {
        "SHIPYARD_APP__NAME": "secret://vault/kv/app",
        "SHIPYARD_SERVER__HOST": "secret://vault/kv/app",
    }
    settings = project.load(environ=env).settings
    assert (settings.app.name, settings.server.host) == ("vault:kv/app", "vault:kv/app")
    assert vault.asked == ["kv/app"]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("missing", "vault has no secret 'missing'; fix: vault kv put"),
        ("broken", "RuntimeError: connection reset"),
    ],
)
def test_provider_failures_become_problems(
    project: Project, vault: _Vault, name: str, expected: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        project.load(environ={"SHIPYARD_APP__NAME": f"secret://vault/{name}"})
    assert expected in caught.value.problems[0].message


def test_register_rejects_objects_without_resolve() -> None:
    with pytest.raises(TypeError):
        register_secret_provider("bad", object())  # type: ignore[arg-type]


def test_entry_point_provider(project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    entry = EntryPoint(
        name="plugin",
        value=f"{__name__}:_Vault",
        group=secrets_module.ENTRY_POINT_GROUP,
    )

    def fake_entry_points(*, group: str, name: str) -> list[EntryPoint]:
        assert group == secrets_module.ENTRY_POINT_GROUP
        return [entry] if name == "plugin" else []

    monkeypatch.setattr(secrets_module, "entry_points", fake_entry_points)
    try:
        settings = project.load(environ={"SHIPYARD_APP__NAME": "secret://plugin/x"}).settings
    finally:
        unregister_secret_provider("plugin")
    assert settings.app.name == "vault:x"

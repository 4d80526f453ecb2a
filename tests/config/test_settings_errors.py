"""Bad configuration: every problem names the key, where the value came from and what is wrong."""

from __future__ import annotations

import pytest
from pydantic import BaseModel
from tests.config.conftest import Project

from shipyard.config import ConfigError, Settings
from shipyard.config.loader import load
from shipyard.errors import ShipyardError


def _problems(project: Project, environ: dict[str, str] | None = None) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        project.load(environ=environ)
    assert isinstance(caught.value, ShipyardError)
    return [str(problem) for problem in caught.value.problems]


def test_malformed_toml_names_file_line_and_column(project: Project) -> None:
    project.write("config/settings.toml", '[server]\nport = 8000\nhost = "unterminated\n')
    (problem,) = _problems(project)
    assert problem.startswith("config/settings.toml:3:")
    assert "invalid TOML" in problem
    assert "(at line" not in problem


def test_malformed_profile_file_is_reported_with_other_problems(project: Project) -> None:
    project.write("config/settings.development.toml", "[server\n")
    problems = _problems(project, {"SHIPYARD_SERVER__PORT": "x"})
    assert problems[0].startswith("config/settings.development.toml:1:")
    assert len(problems) == 1  # validation waits until the files parse


def test_file_that_is_not_utf8(project: Project) -> None:
    (project.root / "config" / "settings.toml").write_bytes(b"name = '\xff\xfe'\n")
    (problem,) = _problems(project)
    assert "cannot read settings file" in problem


def test_wrong_type_in_environment_variable_names_the_variable(project: Project) -> None:
    (problem,) = _problems(project, {"SHIPYARD_SERVER__PORT": "eighty"})
    assert problem.startswith("environment variable SHIPYARD_SERVER__PORT: server.port: ")
    assert "valid integer" in problem
    assert "'eighty'" in problem


def test_wrong_type_in_file_names_file_and_line(project: Project) -> None:
    project.write("config/settings.toml", "[server]\nhost = 'x'\nport = 70000\n")
    (problem,) = _problems(project)
    assert problem.startswith("config/settings.toml:3: server.port: ")
    assert "less than or equal to 65535" in problem


def test_unknown_key_suggests_the_close_match(project: Project) -> None:
    project.write("config/settings.toml", "[database]\nurll = 'sqlite://'\n")
    (problem,) = _problems(project)
    assert problem == (
        "config/settings.toml:2: database.urll: unknown key; did you mean 'database.url'?"
    )


def test_unknown_section_lists_valid_keys(project: Project) -> None:
    project.write("config/settings.toml", "[zzz]\nq = 1\n")
    (problem,) = _problems(project)
    assert "zzz: unknown key; valid keys here: profile, app, database" in problem


def test_unknown_nested_environment_key_is_reported(project: Project) -> None:
    (problem,) = _problems(project, {"SHIPYARD_SERVER__PROT": "1"})
    assert problem == (
        "environment variable SHIPYARD_SERVER__PROT: server.prot: unknown key; "
        "did you mean 'server.port'?"
    )


def test_bad_json_for_a_list_names_the_variable(project: Project) -> None:
    (problem,) = _problems(project, {"SHIPYARD_APP__DISABLED_PLUGINS": "jobs,mail"})
    assert problem.startswith("environment variable SHIPYARD_APP__DISABLED_PLUGINS: ")
    assert "expected a JSON value" in problem


def test_every_problem_is_reported_once_per_line(project: Project) -> None:
    project.write("config/settings.toml", "[server]\nport = 'x'\nworkers = -1\n")
    with pytest.raises(ConfigError) as caught:
        project.load(environ={"SHIPYARD_APP__DEBUG": "perhaps"})
    lines = str(caught.value).splitlines()
    assert lines[0] == "invalid configuration (profile 'development'), 3 problems:"
    assert len(lines) == 4


def test_values_from_secret_sources_are_not_echoed(project: Project) -> None:
    project.write("secrets/server__port", "hunter2")
    (problem,) = _problems(project, {"SHIPYARD_SECRETS_DIR": "secrets"})
    assert "hunter2" not in problem
    assert "a hidden value" in problem


class _Billing(BaseModel):
    api_url: str


class _AppSettings(Settings):
    billing: _Billing


def test_missing_required_value_in_a_custom_settings_class(project: Project) -> None:
    with pytest.raises(ConfigError, match=r"billing: required, but no source sets it"):
        load(project.root, settings_class=_AppSettings, environ={})
    loaded = load(
        project.root,
        settings_class=_AppSettings,
        environ={"SHIPYARD_BILLING__API_URL": "https://billing"},
    )
    assert isinstance(loaded.settings, _AppSettings)
    assert loaded.settings.billing.api_url == "https://billing"


def test_missing_secret_and_bad_values_are_reported_together(project: Project) -> None:
    project.write(
        "config/settings.toml",
        "[server]\nport = 'secret://env/PORT'\nworkers = -2\n[app]\nname = 'secret://env/NAME'\n",
    )
    problems = _problems(project)
    assert len(problems) == 3
    assert problems[0].startswith("config/settings.toml:2: server.port: cannot resolve")
    assert problems[1].startswith("config/settings.toml:5: app.name: cannot resolve")
    assert problems[2].startswith("config/settings.toml:3: server.workers: Input should be")

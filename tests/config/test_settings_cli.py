"""``shipyard config check`` and ``shipyard config show``."""

from __future__ import annotations

import json

import pytest
from tests.config.conftest import Project
from typer.testing import CliRunner

from shipyard.cli.config import app

pytestmark = pytest.mark.usefixtures("clean_env")

ENV = {"COLUMNS": "250"}


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def _valid(project: Project) -> Project:
    project.write(
        "config/settings.toml",
        """
        [app]
        name = "Cli app"
        secret_key = "super-secret-value-long-enough-for-production"
        [server]
        port = 8123
        """,
    )
    project.write(
        "config/settings.production.toml",
        '[app]\ndebug = false\nbase_url = "https://cli.example"\n[mail]\nbackend = "file"\n',
    )
    return project


def test_check_ok(runner: CliRunner, project: Project) -> None:
    result = runner.invoke(app, ["check", "--root", str(_valid(project).root)], env=ENV)
    assert result.exit_code == 0, result.output
    first, *rest = result.output.strip().splitlines()
    assert first == "configuration OK (profile development)"
    assert "shipyard check --deploy" in " ".join(rest)  # loading is not going-live fitness


def test_check_ok_json_with_profile(runner: CliRunner, project: Project) -> None:
    root = str(_valid(project).root)
    args = ["check", "--root", root, "--profile", "production", "--format", "json"]
    result = runner.invoke(app, args, env=ENV)
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {"ok": True, "profile": "production", "errors": []}


def test_check_reports_problems_and_exits_1(runner: CliRunner, project: Project) -> None:
    project.write("config/settings.toml", "[server]\nport = 'http'\n[databse]\nurl = 'x'\n")
    result = runner.invoke(app, ["check", "--root", str(project.root)], env=ENV)
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0] == "configuration invalid (profile development):"
    assert lines[1].startswith("  config/settings.toml:2: server.port: Input should be")
    assert lines[2] == ("  config/settings.toml:4: databse: unknown key; did you mean 'database'?")
    assert "Traceback" not in result.output


def test_check_json_errors(runner: CliRunner, project: Project) -> None:
    env = {**ENV, "SHIPYARD_SERVER__PORT": "abc"}
    args = ["check", "--root", str(project.root), "--format", "json"]
    result = runner.invoke(app, args, env=env)
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert report["ok"] is False
    assert report["profile"] == "development"
    (error,) = report["errors"]
    assert error["key"] == "server.port"
    assert error["source"] == "environment variable SHIPYARD_SERVER__PORT"
    assert "valid integer" in error["message"]


def test_check_unknown_profile(runner: CliRunner, project: Project) -> None:
    args = ["check", "--root", str(project.root), "--profile", "prod", "--format", "json"]
    result = runner.invoke(app, args, env=ENV)
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert report["profile"] == "prod"
    assert "available: development, production, test" in report["errors"][0]["message"]


def test_check_malformed_toml(runner: CliRunner, project: Project) -> None:
    project.write("config/settings.toml", "a = [1,\n")
    result = runner.invoke(app, ["check", "--root", str(project.root)], env=ENV)
    assert result.exit_code == 1
    assert "config/settings.toml:2:" in result.output


def test_check_missing_root_is_one_line(runner: CliRunner, project: Project) -> None:
    result = runner.invoke(app, ["check", "--root", str(project.root / "nope")], env=ENV)
    assert result.exit_code != 0
    assert "Traceback" not in result.output


def test_show_redacts_secrets_and_names_sources(runner: CliRunner, project: Project) -> None:
    env = {**ENV, "SHIPYARD_DATABASE__URL": "postgresql://user:pw@db/app"}
    args = ["show", "--root", str(_valid(project).root), "--format", "json"]
    result = runner.invoke(app, args, env=env)
    assert result.exit_code == 0, result.output
    assert "super-secret-value" not in result.output
    assert "pw@db" not in result.output
    shown = json.loads(result.output)
    assert shown["profile"] == "development"
    rows = shown["settings"]
    assert rows["app.secret_key"] == {"value": "********", "source": "config/settings.toml:3"}
    assert rows["database.url"] == {
        "value": "********",
        "source": "environment variable SHIPYARD_DATABASE__URL",
    }
    assert rows["server.port"] == {"value": 8123, "source": "config/settings.toml:5"}
    assert rows["server.host"]["source"] == "default"


def test_show_text_table(runner: CliRunner, project: Project) -> None:
    result = runner.invoke(app, ["show", "--root", str(_valid(project).root)], env=ENV)
    assert result.exit_code == 0, result.output
    assert "super-secret-value" not in result.output
    row = next(line for line in result.output.splitlines() if "app.secret_key" in line)
    assert "********" in row
    assert "config/settings.toml:3" in row
    assert any("server.port" in line and "8123" in line for line in result.output.splitlines())


def test_show_with_custom_settings_class_from_pyproject(
    runner: CliRunner, project: Project
) -> None:
    project.write(
        "mysettings.py",
        """
        from shipyard.config import Settings

        class MySettings(Settings):
            feature_flag: bool = False
        """,
    )
    project.write("pyproject.toml", '[tool.shipyard]\nsettings = "mysettings:MySettings"\n')
    project.write("config/settings.toml", "feature_flag = true\n")
    args = ["show", "--root", str(project.root), "--format", "json"]
    result = runner.invoke(app, args, env=ENV)
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["settings"]["feature_flag"]["value"] is True


def test_bad_settings_class_option(runner: CliRunner, project: Project) -> None:
    args = ["check", "--root", str(project.root), "--settings", "nowhere:Nothing"]
    result = runner.invoke(app, args, env=ENV)
    assert result.exit_code == 1
    assert "cannot import settings class 'nowhere:Nothing'" in result.output


def test_help_has_examples(runner: CliRunner) -> None:
    for command in ("check", "show"):
        result = runner.invoke(app, [command, "--help"], env=ENV)
        assert result.exit_code == 0
        assert f"Example: shipyard config {command}" in result.output


def test_production_refuses_the_development_secret_key_and_debug(
    runner: CliRunner, project: Project
) -> None:
    project.write("config/settings.production.toml", "[app]\ndebug = true\n")
    args = ["check", "--root", str(project.root), "--profile", "production", "--format", "json"]
    result = runner.invoke(app, args, env=ENV)
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert [error["key"] for error in report["errors"]] == [
        "app.secret_key",
        "app.debug",
        "app.base_url",
        "app.allowed_hosts",
        "mail.backend",
    ]
    assert "SHIPYARD_APP__SECRET_KEY" in report["errors"][0]["message"]
    assert report["errors"][1]["source"] == "config/settings.production.toml:2"


def test_development_accepts_the_development_secret_key(
    runner: CliRunner, project: Project
) -> None:
    result = runner.invoke(app, ["check", "--root", str(project.root)], env=ENV)
    assert result.exit_code == 0, result.output

"""``shipyard check``: findings as a table, silencing by id, exit code by level."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.core.test_deploy_checks import READY
from typer.testing import CliRunner

from shipyard.cli.main import cli

APP_SOURCE = """
from shipyard import App, Settings

app = App(settings=Settings(ratelimit={"storage": "memory"}))
"""


def write_app(clean_env: Path, module_name: str) -> str:
    (clean_env / f"{module_name}.py").write_text(APP_SOURCE)
    return f"{module_name}:app"


def test_a_development_app_has_no_issues(
    runner: CliRunner, clean_env: Path, module_name: str
) -> None:
    result = runner.invoke(cli, ["check", "--app", write_app(clean_env, module_name)])
    assert result.exit_code == 0, result.output
    assert "No issues found." in result.output


def test_deploy_lists_errors_and_warnings_and_fails(
    runner: CliRunner, clean_env: Path, module_name: str
) -> None:
    spec = write_app(clean_env, module_name)
    result = runner.invoke(cli, ["check", "--app", spec, "--deploy"])
    assert result.exit_code == 1, result.output
    for finding in ("core.E001", "db.W001", "ratelimit.W00"):  # W002 with several CPUs
        assert finding in result.output
    assert "at or above error" in result.output


def test_silenced_warnings_pass_a_warning_gate(
    runner: CliRunner, clean_env: Path, module_name: str
) -> None:
    spec = write_app(clean_env, module_name)
    gate = ["check", "--app", spec, "--deploy", "--fail-level", "warning"]
    production_rules = ("core.E001", "core.E002", "core.E003", "core.E004", "core.E005")
    silence = [option for rule in production_rules for option in ("--silence", rule)]
    silence += ["--silence", "db.W001", "--silence", "db.W004", "--silence", "core.W001"]
    assert runner.invoke(cli, gate + silence).exit_code == 1  # ratelimit.W001/W002 remains
    memory = ["--silence", "ratelimit.W001", "--silence", "ratelimit.W002"]
    result = runner.invoke(cli, [*gate, *silence, *memory])
    assert result.exit_code == 0, result.output


def test_a_bad_fail_level_is_a_usage_error(
    runner: CliRunner, clean_env: Path, module_name: str
) -> None:
    spec = write_app(clean_env, module_name)
    result = runner.invoke(cli, ["check", "--app", spec, "--fail-level", "fatal"])
    assert result.exit_code == 2
    assert "use error, warning or info" in result.output


def test_a_missing_app_is_one_clear_line(runner: CliRunner, clean_env: Path) -> None:
    result = runner.invoke(cli, ["check", "--app", "nowhere:app"])
    assert result.exit_code == 1
    assert "Traceback" not in result.output


@pytest.mark.parametrize(("debug", "code"), [(False, 0), (True, 1)])
def test_deploy_exits_non_zero_on_errors_only(
    runner: CliRunner, clean_env: Path, module_name: str, debug: bool, code: int
) -> None:
    settings = READY | {"app": {**READY["app"], "debug": debug}}
    source = f"from shipyard import App, Settings\n\napp = App(settings=Settings(**{settings!r}))\n"
    (clean_env / f"{module_name}.py").write_text(source)
    result = runner.invoke(cli, ["check", "--deploy", "--app", f"{module_name}:app"])
    assert result.exit_code == code, result.output
    assert ("[ ] error core.E002: app.debug" in result.output) is debug  # a checklist
    assert ("    fix: " in result.output) is debug

"""Every command of this area documents itself with an example."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from shipyard.cli.main import cli


@pytest.mark.parametrize("command", ["new", "dev", "run", "routes", "shell"])
def test_help_has_an_example(runner: CliRunner, command: str) -> None:
    result = runner.invoke(cli, [command, "--help"], terminal_width=200)
    assert result.exit_code == 0
    example = next(line for line in result.output.splitlines() if "Example:" in line)
    assert f"shipyard {command}" in example


def test_dev_help_explains_config_reload(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["dev", "--help"], terminal_width=200)
    assert "config/*.toml" in result.output
    assert "invalid edit keeps the previous settings" in result.output

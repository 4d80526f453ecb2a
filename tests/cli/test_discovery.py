"""Finding the user's app: spec sources, factories and every kind of failure."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from shipyard.app import App
from shipyard.cli.main import cli
from shipyard.core.discovery import (
    APP_ENV,
    DEFAULT_SPEC,
    PROFILE_ENV,
    load_app,
    resolve_spec,
)
from shipyard.errors import ShipyardError

APP_SOURCE = """
from shipyard.app import App
from shipyard.config.models import Settings

app = App(settings=Settings())


def create_app() -> App:
    return App(settings=Settings(profile="factory"))


def needs_arguments(name: str) -> App:
    return App(settings=Settings())


def broken_factory() -> App:
    raise RuntimeError("factory exploded")


not_an_app = {"hello": "world"}


class Holder:
    inner = app
"""


def write(directory: Path, name: str, source: str) -> None:
    (directory / f"{name}.py").write_text(source, encoding="utf-8")


def test_spec_comes_from_argument_then_env_then_pyproject_then_default(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert resolve_spec(None) == DEFAULT_SPEC
    (clean_env / "pyproject.toml").write_text('[tool.shipyard]\napp = "site_app:web"\n')
    assert resolve_spec(None) == "site_app:web"
    monkeypatch.setenv(APP_ENV, "env_app:web")
    assert resolve_spec(None) == "env_app:web"
    assert resolve_spec("arg_app:web") == "arg_app:web"


def test_pyproject_without_shipyard_table_falls_back_to_default(clean_env: Path) -> None:
    (clean_env / "pyproject.toml").write_text('[project]\nname = "x"\n')
    assert resolve_spec(None) == DEFAULT_SPEC


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("[tool.shipyard\napp = 1", "is not valid TOML"),
        ("[tool.shipyard]\napp = 3\n", "must be a 'module:attribute' string"),
        ('[tool.shipyard]\napp = ""\n', "must be a 'module:attribute' string"),
    ],
)
def test_bad_pyproject_is_reported(clean_env: Path, content: str, expected: str) -> None:
    (clean_env / "pyproject.toml").write_text(content)
    with pytest.raises(ShipyardError, match=expected):
        resolve_spec(None)


def test_loads_an_app_instance_from_the_working_directory(
    clean_env: Path, module_name: str
) -> None:
    write(clean_env, module_name, APP_SOURCE)
    app = load_app(f"{module_name}:app")
    assert isinstance(app, App)
    assert str(clean_env) in sys.path


def test_calls_a_zero_argument_factory(clean_env: Path, module_name: str) -> None:
    write(clean_env, module_name, APP_SOURCE)
    assert load_app(f"{module_name}:create_app").settings.profile == "factory"


def test_dotted_attribute(clean_env: Path, module_name: str) -> None:
    write(clean_env, module_name, APP_SOURCE)
    assert isinstance(load_app(f"{module_name}:Holder.inner"), App)


def test_profile_is_exported_before_import(clean_env: Path, module_name: str) -> None:
    write(clean_env, module_name, APP_SOURCE)
    load_app(f"{module_name}:app", profile="test")
    assert os.environ[PROFILE_ENV] == "test"


def test_spec_from_environment(
    clean_env: Path, module_name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(clean_env, module_name, APP_SOURCE)
    monkeypatch.setenv(APP_ENV, f"{module_name}:app")
    assert isinstance(load_app(None), App)


@pytest.mark.parametrize("spec", ["app.main", ":app", "app.main:", "no_colon_at_all"])
def test_malformed_spec(clean_env: Path, spec: str) -> None:
    with pytest.raises(ShipyardError, match="must look like 'module:attribute'"):
        load_app(spec)


def test_missing_module_names_the_spec_and_the_fix(clean_env: Path, module_name: str) -> None:
    with pytest.raises(ShipyardError) as caught:
        load_app(f"{module_name}.main:app")
    text = str(caught.value)
    assert f"cannot import module '{module_name}.main'" in text
    assert "--app" in text
    assert "SHIPYARD_APP" in text


def test_default_spec_missing_in_empty_folder(clean_env: Path) -> None:
    with pytest.raises(ShipyardError, match=r"app\.main:app"):
        load_app(None)


def test_missing_attribute(clean_env: Path, module_name: str) -> None:
    write(clean_env, module_name, APP_SOURCE)
    with pytest.raises(ShipyardError, match=f"module '{module_name}' has no attribute 'nope'"):
        load_app(f"{module_name}:nope")


def test_not_an_app(clean_env: Path, module_name: str) -> None:
    write(clean_env, module_name, APP_SOURCE)
    with pytest.raises(ShipyardError, match=r"is a dict, not a shipyard\.App"):
        load_app(f"{module_name}:not_an_app")


def test_factory_needing_arguments(clean_env: Path, module_name: str) -> None:
    write(clean_env, module_name, APP_SOURCE)
    with pytest.raises(ShipyardError, match="calling it without arguments failed"):
        load_app(f"{module_name}:needs_arguments")


def test_failing_factory_shows_the_users_error(clean_env: Path, module_name: str) -> None:
    write(clean_env, module_name, APP_SOURCE)
    with pytest.raises(ShipyardError, match="RuntimeError: factory exploded") as caught:
        load_app(f"{module_name}:broken_factory")
    assert f"{module_name}.py:" in str(caught.value)


def test_import_error_inside_user_code_is_not_masked_as_not_found(
    clean_env: Path, module_name: str
) -> None:
    write(clean_env, module_name, "import missing_dependency_xyz\napp = None\n")
    with pytest.raises(ShipyardError) as caught:
        load_app(f"{module_name}:app")
    text = str(caught.value)
    assert "ModuleNotFoundError: No module named 'missing_dependency_xyz'" in text
    assert f"{module_name}.py:1" in text
    assert "cannot import module" not in text
    assert "\n" not in text


def test_exception_while_importing_user_code(clean_env: Path, module_name: str) -> None:
    write(clean_env, module_name, "x = 1\nraise ValueError('bad\\nthing')\n")
    with pytest.raises(ShipyardError) as caught:
        load_app(f"{module_name}:app")
    text = str(caught.value)
    assert f"importing '{module_name}' raised ValueError: bad" in text
    assert f"{module_name}.py:2" in text
    assert "\n" not in text


def test_syntax_error_in_user_code(clean_env: Path, module_name: str) -> None:
    write(clean_env, module_name, "def broken(:\n")
    with pytest.raises(ShipyardError, match="raised SyntaxError"):
        load_app(f"{module_name}:app")


def test_shipyard_error_from_user_code_passes_through(clean_env: Path, module_name: str) -> None:
    write(
        clean_env,
        module_name,
        "from shipyard.errors import ShipyardError\nraise ShipyardError('config is wrong')\n",
    )
    with pytest.raises(ShipyardError, match=r"^config is wrong$"):
        load_app(f"{module_name}:app")


def test_cli_reports_specs_and_pyproject_errors_literally(
    runner: CliRunner, clean_env: Path
) -> None:
    result = runner.invoke(cli, ["routes", "--app", "[bold]nowhere"])
    assert result.exit_code == 1
    assert result.output.startswith("error: app spec '[bold]nowhere' must look like")
    assert "add [tool.shipyard] app" in result.output

    (clean_env / "pyproject.toml").write_text("[tool.shipyard]\napp = 3\n")
    result = runner.invoke(cli, ["routes"])
    assert result.exit_code == 1
    assert "[tool.shipyard] app in" in result.output


def test_app_option_help_shows_the_pyproject_table(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["db", "upgrade", "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    assert "[tool.shipyard] app in pyproject.toml" in result.output

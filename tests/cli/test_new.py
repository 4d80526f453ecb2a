"""`shipyard new`: name rules, refusing non-empty folders, the options and what they write
(test_new_projects.py runs the generated projects' own checks and tests)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from tests.cli.support import generate, run_shipyard
from typer.testing import CliRunner

from shipyard.cli.main import cli
from shipyard.scaffold.generator import NAME_RULE, validate_project_name

EXPECTED_FILES = {
    ".gitignore",
    "README.md",
    "pyproject.toml",
    "app/__init__.py",
    "app/main.py",
    "app/routes.py",
    "app/home.py",
    "app/models.py",
    "app/seeds.py",
    "app/templates/layouts/app.html",
    "app/templates/home.html",
    "app/static/app.css",
    "config/settings.toml",
    "config/settings.development.toml",
    "config/settings.production.toml",
    "config/settings.test.toml",
    "migrations/env.py",
    "migrations/script.py.mako",
    "tests/conftest.py",
    "tests/test_home.py",
    "tests/test_jobs.py",
    "tests/test_accounts.py",
    "tests/test_seeds.py",
}
ACCOUNT_FILES = {"tests/test_accounts.py", "tests/test_seeds.py"}


def files_under(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


@pytest.mark.parametrize(
    ("name", "rule"),
    [
        ("", "it is empty"),
        ("1abc", "starting with a letter"),
        ("class", "it is a Python keyword"),
        ("None", "it is a Python keyword"),
        ("../x", "use letters, digits"),
        ("a b", "use letters, digits"),
        ("x/y", "use letters, digits"),
        ("-rf", "starting with a letter"),
        ("blög", "use letters, digits"),
        ("test", "would shadow the Python module 'test'"),
        ("site", "would shadow the Python module 'site'"),
        ("Shipyard", "would shadow the Python module 'shipyard'"),
        ("a" * 65, "longer than 64 characters"),
    ],
)
def test_invalid_names_are_refused_naming_the_rule(
    runner: CliRunner, clean_env: Path, name: str, rule: str
) -> None:
    result = runner.invoke(cli, ["new", "--", name])
    assert result.exit_code == 1
    assert rule in result.output
    assert result.output.startswith("error: invalid project name")
    assert len(result.output.strip().splitlines()) == 1
    assert list(clean_env.iterdir()) == []


@pytest.mark.parametrize(("name", "module"), [("blog", "blog"), ("My-Shop_2", "my_shop_2")])
def test_valid_names(name: str, module: str) -> None:
    assert validate_project_name(name) == module


def test_non_empty_folder_is_refused(runner: CliRunner, clean_env: Path) -> None:
    target = clean_env / "blog"
    target.mkdir()
    (target / "notes.txt").write_text("keep me")
    result = runner.invoke(cli, ["new", "blog"])
    assert result.exit_code == 1
    assert result.output.startswith(f"error: target folder {target} is not empty")
    assert len(result.output.strip().splitlines()) == 1
    assert files_under(target) == {"notes.txt"}


def test_target_that_is_a_file_is_refused(runner: CliRunner, clean_env: Path) -> None:
    (clean_env / "blog").write_text("")
    result = runner.invoke(cli, ["new", "blog"])
    assert result.exit_code == 1
    assert "it is a file" in result.output


def test_writes_into_an_empty_directory_option(runner: CliRunner, clean_env: Path) -> None:
    target = clean_env / "elsewhere"
    target.mkdir()
    result = runner.invoke(cli, ["new", "shop", "--directory", str(target)])
    assert result.exit_code == 0, result.output
    assert files_under(target) >= EXPECTED_FILES
    assert "Next steps" in result.output
    assert "shipyard dev" in result.output
    pyproject = tomllib.loads((target / "pyproject.toml").read_text())
    assert pyproject["project"]["name"] == "shop"
    assert pyproject["tool"]["shipyard"]["app"] == "app.main:app"
    assert pyproject["tool"]["pytest"]["ini_options"]["asyncio_mode"] == "auto"
    assert not any(name.endswith(".jinja") for name in files_under(target))


def test_sqlite_is_the_default_and_postgres_is_an_option(
    runner: CliRunner, clean_env: Path
) -> None:
    assert runner.invoke(cli, ["new", "lite"]).exit_code == 0
    result = runner.invoke(cli, ["new", "big-shop", "--db", "postgres"])
    assert result.exit_code == 0, result.output
    lite = tomllib.loads((clean_env / "lite/config/settings.development.toml").read_text())
    assert lite["database"]["url"] == "sqlite+aiosqlite:///var/lite-development.db"
    dev = tomllib.loads((clean_env / "big-shop/config/settings.development.toml").read_text())
    assert dev["database"]["url"] == "postgresql+asyncpg://postgres@127.0.0.1:5432/big_shop"
    test = tomllib.loads((clean_env / "big-shop/config/settings.test.toml").read_text())
    assert test["database"]["url"] == "postgresql+asyncpg://postgres@127.0.0.1:5432/big_shop_test"
    assert test["config"]["hot_reload"] is False
    lite_test = tomllib.loads((clean_env / "lite/config/settings.test.toml").read_text())
    assert lite_test["database"]["url"] == "sqlite+aiosqlite:///var/test.db"
    assert (
        "createdb -h 127.0.0.1 -U postgres big_shop"
        in (clean_env / "big-shop/README.md").read_text()
    )
    pyproject = tomllib.loads((clean_env / "big-shop/pyproject.toml").read_text())
    assert pyproject["project"]["dependencies"] == ["shipyard[postgres]>=0.1"]
    shared = tomllib.loads((clean_env / "lite/config/settings.toml").read_text())
    assert shared["api"] == {"error_format": "problem", "problem_base_uri": "/problems/"}


def test_accounts_are_wired_unless_no_auth(runner: CliRunner, clean_env: Path) -> None:
    assert runner.invoke(cli, ["new", "full"]).exit_code == 0
    result = runner.invoke(cli, ["new", "bare", "--no-auth"])
    assert result.exit_code == 0, result.output
    full_main = (clean_env / "full/app/main.py").read_text()
    assert 'AuthExtension(prefix="/account")' in full_main
    assert 'TokensExtension(prefix="/auth/token")' in full_main
    assert 'CookbookExtension(path="/api/cookbook")' in full_main
    assert "ADMIN_EMAIL" in (clean_env / "full/app/seeds.py").read_text()
    bare = clean_env / "bare"
    assert "shipyard.auth" not in (bare / "app/main.py").read_text()
    assert "ADMIN_EMAIL" not in (bare / "app/seeds.py").read_text()
    assert "[auth]" not in (bare / "config/settings.test.toml").read_text()
    assert files_under(bare) >= EXPECTED_FILES - ACCOUNT_FILES
    assert not files_under(bare) & ACCOUNT_FILES
    assert "Accounts are at /account" not in result.output


def test_readme_shows_two_commands(runner: CliRunner, clean_env: Path) -> None:
    assert runner.invoke(cli, ["new", "blog"]).exit_code == 0
    readme = (clean_env / "blog/README.md").read_text()
    assert re.findall(r"^\$ (.+)$", readme, flags=re.MULTILINE) == ["shipyard dev", "pytest"]


def test_unknown_db_choice_is_refused(runner: CliRunner, clean_env: Path) -> None:
    result = runner.invoke(cli, ["new", "blog", "--db", "oracle"])
    assert result.exit_code != 0
    assert not (clean_env / "blog").exists()


@pytest.mark.slow
def test_new_from_the_command_line(tmp_path: Path) -> None:
    project = generate(tmp_path, "journal")
    assert files_under(project) >= EXPECTED_FILES
    again = run_shipyard("new", "journal", cwd=tmp_path)
    assert again.returncode == 1
    assert again.stderr.startswith("error: target folder")
    assert "Traceback" not in again.stderr


@pytest.mark.parametrize("name", ["[/x]", "[bold]x", "[red]", "x\\[y]"])
def test_names_with_brackets_are_reported_literally(
    runner: CliRunner, clean_env: Path, name: str
) -> None:
    result = runner.invoke(cli, ["new", "--", name])
    assert result.exit_code == 1
    assert result.output == f"error: invalid project name {name!r}: {NAME_RULE}\n"
    assert list(clean_env.iterdir()) == []

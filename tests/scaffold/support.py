"""Helpers for the generator tests: projects made by `shipyard new`, checked like a user would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.cli.support import generate, run_shipyard


def new_project(parent: Path, *, accounts: bool = False) -> Path:
    """A fresh `shipyard new blog` project, with accounts (the default) or ``--no-auth``."""
    return generate(parent, "blog", *(() if accounts else ("--no-auth",)))


def scaffold(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run `shipyard scaffold ARGS` in the project and require success."""
    result = run_shipyard("scaffold", *args, cwd=root, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def run_in(root: Path, *command: str, env: dict[str, str] | None = None) -> str:
    """Run ``python -m COMMAND`` in the project; fail the test with its output if it fails."""
    result = subprocess.run(  # the test's own fixed command
        [sys.executable, "-m", *command],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, **(env or {})},
        check=False,
    )
    assert result.returncode == 0, f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def check_quality(root: Path, tmp_path: Path) -> None:
    """ruff check, ruff format --check and mypy --strict find nothing in the project."""
    run_in(root, "ruff", "check", "--no-cache", ".")
    run_in(root, "ruff", "format", "--check", "--no-cache", ".")
    run_in(root, "mypy", "--strict", "--cache-dir", str(tmp_path / "mypy"))


def files(root: Path) -> dict[str, str]:
    """Every text file of the project by relative path (caches and var/ left out)."""
    skipped = {"var", "__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache"}
    return {
        path.relative_to(root).as_posix(): path.read_text(encoding="utf-8")
        for path in sorted(root.rglob("*"))
        if path.is_file() and not skipped & set(path.relative_to(root).parts)
    }

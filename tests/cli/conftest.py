"""Fixtures for the CLI tests: running `shipyard` in-process and as a subprocess."""

from __future__ import annotations

import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.cli.support import generate
from typer.testing import CliRunner

from shipyard.core.discovery import APP_ENV, PROFILE_ENV


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Run in an empty tmp_path with no app/profile variables; undo sys.path changes."""
    for name in (APP_ENV, PROFILE_ENV):
        monkeypatch.setenv(name, "unset")
        monkeypatch.delenv(name)
    monkeypatch.setattr(sys, "path", list(sys.path))
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def module_name() -> Iterator[str]:
    """A unique top-level module name for a user app written by the test."""
    name = f"userapp_{uuid.uuid4().hex[:10]}"
    yield name
    for loaded in [m for m in sys.modules if m == name or m.startswith(name + ".")]:
        del sys.modules[loaded]


@pytest.fixture(scope="session")
def blog(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project generated once by `shipyard new blog` (tests must not modify it)."""
    return generate(tmp_path_factory.mktemp("shared"), "blog")

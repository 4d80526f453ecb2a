"""Fixtures for the settings tests: a throw-away project directory and a moto server."""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from textwrap import dedent

import pytest
from tests.moto_server import running_moto

from shipyard.config.loader import LoadedSettings, load


class Project:
    """A project root in tmp_path with helpers to write config files and load settings."""

    def __init__(self, root: Path) -> None:
        self.root = root
        (root / "config").mkdir()

    def write(self, relative: str, text: str) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dedent(text).lstrip(), encoding="utf-8")
        return path

    def load(
        self, profile: str | None = None, environ: Mapping[str, str] | None = None
    ) -> LoadedSettings:
        return load(self.root, profile, environ=environ if environ is not None else {})


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return Project(tmp_path)


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Remove SHIPYARD_* variables that would change settings loaded from os.environ."""
    for name in list(os.environ):
        if name.startswith("SHIPYARD_") and ("__" in name or name.endswith(("PROFILE", "DIR"))):
            monkeypatch.delenv(name)


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    """A real moto server (AWS emulator) on a free port for the whole session."""
    with running_moto() as endpoint:
        yield endpoint

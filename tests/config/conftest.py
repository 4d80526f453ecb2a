"""Fixtures for the settings tests: a throw-away project directory and a moto server."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from textwrap import dedent

import pytest

from shipyard.config.loader import LoadedSettings, load
from shipyard.testing.services import free_port, port_open, unavailable


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
    port = free_port()
    script = Path(sys.executable).with_name("moto_server")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "moto.server"]
    process = subprocess.Popen(
        [*command, "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "MOTO_PORT": str(port)},
    )
    try:
        deadline = time.monotonic() + 20
        while not port_open("127.0.0.1", port, timeout=0.2):
            if process.poll() is not None or time.monotonic() > deadline:
                unavailable(f"moto_server did not start on port {port}")
            time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)

"""``shipyard uploads check``: the type from the bytes, refusals, the virus scan, exit codes."""

from __future__ import annotations

import re
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.uploads.conftest import EICAR, png
from typer.testing import CliRunner

from shipyard.cli.main import cli

APP_SOURCE = """
from pathlib import Path

from shipyard import App

app = App(root=Path(__file__).parent)
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    module = f"uploadsapp_{uuid.uuid4().hex[:8]}"
    (tmp_path / f"{module}.py").write_text(APP_SOURCE)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", [str(tmp_path), *sys.path])
    for name in list(__import__("os").environ):
        if name.startswith("SHIPYARD_"):
            monkeypatch.delenv(name)
    yield f"{module}:app"
    sys.modules.pop(module, None)


def test_good_and_bad_files(project: str, tmp_path: Path) -> None:
    good = tmp_path / "boat.txt"
    good.write_bytes(png())
    bad = tmp_path / "photo.png"
    bad.write_bytes(b"MZ" + b"\0" * 100)
    result = CliRunner().invoke(
        cli, ["uploads", "check", str(good), str(bad), "--types", "image/*", "--app", project]
    )
    assert result.exit_code == 1, result.output
    assert "boat.txt: image/png" in result.output
    assert "not scanned" in result.output
    assert "photo.png is a program" in result.output
    assert "1 of 2 files refused" in result.output


def test_the_scan_uses_the_apps_clamd(
    project: str, tmp_path: Path, clamd_address: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SHIPYARD_UPLOADS__CLAMD", clamd_address)
    infected = tmp_path / "readme.txt"
    infected.write_bytes(EICAR)
    clean = tmp_path / "notes.txt"
    clean.write_bytes(b"all clear")
    result = CliRunner().invoke(
        cli, ["uploads", "check", str(clean), str(infected), "--app", project]
    )
    assert result.exit_code == 1, result.output
    assert re.search(r"notes.txt: text/plain, 9 bytes, sha256 [0-9a-f]{64}: clean", result.output)
    assert "the virus scan found Eicar-Test-Signature" in result.output

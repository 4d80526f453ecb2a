"""Helpers for the deployment tests: the validators, and a project's files made runnable here.

The generated files name production paths (/srv/<slug>, /etc/letsencrypt, /etc/prometheus);
:func:`localised` rewrites them to a test folder so the real tools can check the files.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

VENV_BIN = Path(sys.executable).parent


def tool(name: str, package: str) -> str:
    """The validator ``name`` (the venv's first, then PATH), or skip naming its package."""
    local = VENV_BIN / name
    found = str(local) if local.is_file() else shutil.which(name)
    if found is None:
        pytest.skip(f"{name} is not installed (CI installs {package})")
    return found


def validate(*command: str, env: dict[str, str] | None = None) -> str:
    """Run a validator; fail the test with everything it printed unless it exits 0."""
    result = subprocess.run(  # the test's own fixed command
        command,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"{' '.join(command)} failed:\n{output}"
    return output


def localised(text: str, replacements: dict[str, str]) -> str:
    """``text`` with each production path replaced by its test stand-in."""
    for old, new in replacements.items():
        text = text.replace(old, new)
    return text


def fake_venv(root: Path) -> Path:
    """``root/.venv/bin/shipyard`` running this interpreter's shipyard (the unit's ExecStart)."""
    script = root / ".venv" / "bin" / "shipyard"
    script.parent.mkdir(parents=True, exist_ok=True)
    script.write_text(f'#!/bin/sh\nexec {sys.executable} -m shipyard.cli.main "$@"\n')
    script.chmod(0o755)
    return script

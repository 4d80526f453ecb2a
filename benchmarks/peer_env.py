"""The peer environment: a second virtualenv for peers that cannot share Shipyard's.

``.venv-peers`` at the repository root holds :file:`benchmarks/peers/requirements.txt`
(pinned); it is made on first use and remade when that file changes (its hash is kept
beside it), so a benchmark run needs no set-up step.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import venv
from pathlib import Path

from rich.console import Console

ROOT = Path(__file__).resolve().parent.parent
REQUIREMENTS = Path(__file__).resolve().parent / "peers" / "requirements.txt"
LOCATION = ROOT / ".venv-peers"
STAMP = LOCATION / "requirements.sha256"


def peer_python(console: Console | None = None) -> Path:
    """The peer environment's interpreter, made or refreshed first when needed."""
    console = console or Console(stderr=True)
    python = LOCATION / "bin" / "python"
    wanted = hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()
    if python.exists() and STAMP.exists() and STAMP.read_text().strip() == wanted:
        return python
    with console.status(f"making the peer environment {LOCATION.name} (pip install)..."):
        venv.EnvBuilder(with_pip=True, clear=True).create(LOCATION)
        done = subprocess.run(
            [str(python), "-m", "pip", "install", "-q", "-r", str(REQUIREMENTS)],
            capture_output=True,
            text=True,
            check=False,
        )
    if done.returncode != 0:
        raise RuntimeError(f"pip could not make {LOCATION}:\n{done.stderr[-3000:]}")
    STAMP.write_text(wanted + "\n")
    console.print(f"peer environment ready: {LOCATION} ({sys.version.split()[0]})")
    return python

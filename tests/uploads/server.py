"""The upload test app served by uvicorn in a subprocess (the 1 GB test, the browser test)."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from subprocess import Popen

from shipyard.testing.services import free_port, running_server

ROOT = Path(__file__).resolve().parents[2]


@contextmanager
def serve(root: Path, settings: Mapping[str, str] = {}) -> Iterator[tuple[str, Popen[bytes]]]:
    """``(url, process)`` of one uvicorn worker of the upload test app, files under ``root``."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("SHIPYARD_")}
    env.update(
        UPLOAD_TEST_ROOT=str(root),
        SHIPYARD_PROFILE="test",
        PYTHONPATH=os.pathsep.join([str(ROOT / "src"), str(ROOT), env.get("PYTHONPATH", "")]),
        **settings,
    )
    port = free_port()
    command = [
        sys.executable, "-m", "uvicorn", "--factory", "tests.uploads.upload_app:create",
        "--port", str(port), "--no-access-log",
    ]  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    with running_server(
        command, probe=f"{url}/health", log=root / "server.log", cwd=ROOT, env=env
    ) as process:
        yield url, process

"""Stopping benchmark subprocesses and quoting their logs, shared by every harness."""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path


def stop_group(process: subprocess.Popen[bytes], timeout: float) -> None:
    """SIGTERM the process's group, then SIGKILL it if it lingers past ``timeout``."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def log_tail(log: Path, lines: int = 5) -> str:
    """The last ``lines`` lines of a log on one line, for error messages."""
    text = log.read_text(errors="replace").strip().splitlines()
    return " | ".join(text[-lines:]) or "(no output)"


def spawn_logged(
    command: list[str], log: Path, root: Path, extra_env: dict[str, str]
) -> subprocess.Popen[bytes]:
    """Start ``command`` in ``root``, in its own session, with output written to ``log``.

    ``root`` also goes first on ``PYTHONPATH``, so ``-m benchmarks...`` imports work.
    """
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(root), os.environ.get("PYTHONPATH", "")]),
        **extra_env,
    }
    with log.open("wb") as sink:
        return subprocess.Popen(
            command, cwd=root, env=env, stdout=sink, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip

"""Helpers for the CLI tests: `shipyard` subprocesses and generated projects."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from shipyard.core.discovery import APP_ENV, PROFILE_ENV

SHIPYARD = [sys.executable, "-m", "shipyard.cli.main"]


def run_shipyard(
    *args: str, cwd: Path, stdin: str | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run `shipyard ARGS` in a subprocess with this interpreter; capture its output."""
    env = {k: v for k, v in os.environ.items() if k not in (APP_ENV, PROFILE_ENV)}
    return subprocess.run(
        [*SHIPYARD, *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        check=False,
    )


def generate(parent: Path, name: str, *options: str) -> Path:
    result = run_shipyard("new", name, *options, cwd=parent)
    assert result.returncode == 0, result.stderr
    return parent / name


class Server:
    """A `shipyard` server subprocess in its own process group, stopped by `stop()`."""

    def __init__(
        self, args: list[str], cwd: Path, port: int, env: dict[str, str] | None = None
    ) -> None:
        self.port = port
        self.base_url = f"http://127.0.0.1:{port}"
        env = {k: v for k, v in os.environ.items() if k not in (APP_ENV, PROFILE_ENV)} | (env or {})
        self.process = subprocess.Popen(
            [*SHIPYARD, *args, "--port", str(port)],
            cwd=cwd,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        self._lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    @property
    def output(self) -> str:
        """Everything the server printed so far."""
        return "".join(self._lines)

    def _read(self) -> None:
        if self.process.stdout is not None:
            for line in self.process.stdout:
                self._lines.append(line)

    def wait_for_output(self, text: str, *, count: int = 1, timeout: float = 60) -> None:
        """Wait until ``text`` was printed ``count`` times (fails the test after ``timeout``)."""
        deadline = time.monotonic() + timeout
        while self.output.count(text) < count:
            if time.monotonic() > deadline or self.process.poll() is not None:
                output = self.stop()
                pytest.fail(f"{text!r} not printed {count} time(s) within {timeout}s:\n{output}")
            time.sleep(0.1)

    def get(self, path: str, *, timeout: float = 30) -> httpx.Response:
        """GET ``path``, retrying until the server answers 200 or ``timeout`` passes."""
        deadline = time.monotonic() + timeout
        last: httpx.Response | Exception | None = None
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.stop()
                pytest.fail(f"server exited with {self.process.returncode}:\n{self.output}")
            try:
                last = httpx.get(self.base_url + path, timeout=2)
                if last.status_code == 200:
                    return last
            except httpx.HTTPError as exc:
                last = exc
            time.sleep(0.2)
        self.stop()
        pytest.fail(f"no 200 from {path} within {timeout}s (last: {last!r}):\n{self.output}")

    def stop(self) -> str:
        """Stop the server (SIGTERM, then SIGKILL) and return everything it printed."""
        self.signal_group(signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.signal_group(signal.SIGKILL)
            self.process.wait()
        time.sleep(0.5)  # let workers that got SIGTERM with the group finish
        self.signal_group(signal.SIGKILL)
        self._reader.join(timeout=5)
        return self.output

    def signal_group(self, sig: signal.Signals) -> None:
        """Send ``sig`` to the server and its workers, as a terminal or systemd does."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, sig)

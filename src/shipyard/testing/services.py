"""Reaching the real servers tests need, and what to do when one is missing.

A test that needs PostgreSQL, Redis or another server calls :func:`unavailable` when it
cannot reach it. Locally that skips the test with the reason shown; when the environment
variable ``SHIPYARD_REQUIRE_SERVICES`` is set (CI sets it), it fails the test instead, so a
missing server can never pass silently.
"""

from __future__ import annotations

import os
import socket
import subprocess  # nosec B404  # runs the test's own server command
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import NoReturn

import httpx
import pytest

REQUIRE_SERVICES_ENV = "SHIPYARD_REQUIRE_SERVICES"
POSTGRES_URL_ENV = "SHIPYARD_TEST_POSTGRES_URL"
REDIS_URL_ENV = "SHIPYARD_TEST_REDIS_URL"

DEFAULT_POSTGRES_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"


def services_required() -> bool:
    """True when a missing server must fail the test run rather than skip."""
    return os.environ.get(REQUIRE_SERVICES_ENV, "").lower() not in {"", "0", "false", "no"}


def unavailable(reason: str) -> NoReturn:
    """Skip the current test because a server is missing, or fail it when one is required."""
    if services_required():
        pytest.fail(f"{reason} ({REQUIRE_SERVICES_ENV} is set, so this is a failure)")
    pytest.skip(reason)


def port_open(host: str, port: int, timeout: float = 1.0) -> bool:
    """True if a TCP connection to ``host:port`` succeeds within ``timeout`` seconds."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def require_port(name: str, host: str, port: int) -> None:
    """Skip or fail (see :func:`unavailable`) unless ``host:port`` accepts connections."""
    if not port_open(host, port):
        unavailable(f"{name} is not reachable at {host}:{port}")


def postgres_url() -> str:
    """The admin URL of the test PostgreSQL server (``SHIPYARD_TEST_POSTGRES_URL``)."""
    return os.environ.get(POSTGRES_URL_ENV, DEFAULT_POSTGRES_URL)


def redis_url() -> str:
    """The URL of the test Redis server (``SHIPYARD_TEST_REDIS_URL``)."""
    return os.environ.get(REDIS_URL_ENV, DEFAULT_REDIS_URL)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def running_server(
    command: Sequence[str],
    *,
    probe: str,
    log: Path,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    startup_timeout: float = 30.0,
) -> Iterator[subprocess.Popen[bytes]]:
    """Run ``command`` (its output in ``log``) until ``probe`` answers, then stop it.

    Any HTTP answer from ``probe`` counts as up. The test fails, with the log, if the
    process exits or does not answer within ``startup_timeout``; on leaving, the process
    is terminated (killed after 15 s).
    """
    with log.open("wb") as output:
        process = subprocess.Popen(  # noqa: S603  # nosec B603  # the test's own command
            list(command), cwd=cwd, env=env, stdout=output, stderr=subprocess.STDOUT
        )
    try:
        _wait_until_answering(process, probe, log, startup_timeout)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_answering(
    process: subprocess.Popen[bytes], probe: str, log: Path, timeout: float
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the server exited ({process.returncode}):\n{log.read_text()}")
        try:
            httpx.get(probe, timeout=1.0)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    pytest.fail(f"the server did not answer within {timeout}s:\n{log.read_text()}")

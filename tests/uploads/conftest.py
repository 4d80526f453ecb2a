"""Fixtures for the upload tests: a real clamd, the test app in-process, sample files.

``clamd_address`` (session): Debian's ``clamd`` (package ``clamav-daemon``) started in the
foreground with a config file written here and only the signatures under ``clamav/``
(the EICAR test file's hash, and ``SHIPYARD-TEST-MALWARE-MARKER``): no signature
download. Run as the ``clamav`` user when the tests run as root. Without ``clamd`` the
scanning tests skip, or fail under ``SHIPYARD_REQUIRE_SERVICES``.
``client`` / ``make_client``: an in-process client of :mod:`tests.uploads.upload_app`.
``moto_endpoint`` and ``azurite_connection_string``: the storage tests' real S3 and Azure
emulators (:mod:`tests.storage.conftest`), for direct uploads.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from tests.storage.conftest import azurite_connection_string, moto_endpoint
from tests.uploads.upload_app import make_app

from shipyard import Settings
from shipyard.config.sections.uploads import UploadSettings
from shipyard.testing.services import unavailable

SIGNATURES = Path(__file__).resolve().parent / "clamav"
CLAMD = shutil.which("clamd") or "/usr/sbin/clamd"
STARTUP_TIMEOUT = 60.0
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
MARKER = b"SHIPYARD-TEST-MALWARE-MARKER"


def png(body: bytes = b"\x00" * 64) -> bytes:
    """A PNG-shaped file: signature, a chunk of ``body``, the IEND chunk."""
    return b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + body + b"\x00\x00\x00\x00IEND\xaeB`\x82"


def _as_clamav() -> dict[str, Any]:
    if os.geteuid() != 0:
        return {}
    account = pwd.getpwnam("clamav")
    return {"user": account.pw_uid, "group": account.pw_gid, "extra_groups": []}


def _answers(path: Path) -> bool:
    try:
        with socket.socket(socket.AF_UNIX) as sock:
            sock.settimeout(1.0)
            sock.connect(str(path))
            sock.sendall(b"zPING\0")
            return sock.recv(16).startswith(b"PONG")
    except OSError:
        return False


@pytest.fixture(scope="session")
def clamd_address() -> Iterator[str]:
    """``unix:<socket>`` of a clamd running with the test signatures."""
    if not Path(CLAMD).exists():
        unavailable("clamd is not installed (apt-get install clamav-daemon)")
    owner = _as_clamav()
    home = Path(tempfile.mkdtemp(prefix="shipyard-clamd-"))
    for signature in SIGNATURES.iterdir():
        shutil.copy(signature, home)
    socket_path = home / "clamd.sock"
    config = home / "clamd.conf"
    config.write_text(
        f"Foreground yes\nLocalSocket {socket_path}\nDatabaseDirectory {home}\n"
        f"TemporaryDirectory {home}\nLogFile {home / 'clamd.log'}\nStreamMaxLength 64M\n"
    )
    if owner:
        for path in (home, *home.iterdir()):
            os.chown(path, owner["user"], owner["group"])
    log = (home / "clamd.out").open("wb")
    process = subprocess.Popen(  # the test's own daemon
        [CLAMD, "-c", str(config)], stdout=log, stderr=subprocess.STDOUT, **owner
    )
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while not _answers(socket_path):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"clamd did not start:\n{(home / 'clamd.out').read_text()}")
            time.sleep(0.1)
        yield f"unix:{socket_path}"
    finally:
        process.terminate()
        process.wait(timeout=15)
        log.close()
        shutil.rmtree(home, ignore_errors=True)


MakeClient = Callable[..., Any]


@asynccontextmanager
async def _client(root: Path, **uploads: Any) -> AsyncIterator[httpx.AsyncClient]:
    settings = Settings(profile="test", uploads=UploadSettings(**uploads))
    app = make_app(root, settings)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


@pytest.fixture
def make_client(tmp_path: Path) -> MakeClient:
    """``async with make_client(**uploads_settings) as client``: the app in-process."""
    spool = tmp_path / "spool"

    def make(**uploads: Any) -> Any:
        uploads.setdefault("temp_dir", str(spool))
        return _client(tmp_path, **uploads)

    return make


@pytest.fixture
def spool(tmp_path: Path) -> Path:
    """Where ``make_client`` apps spool uploads (to check nothing is left behind)."""
    return tmp_path / "spool"


def open_spool_files(spool: Path) -> list[str]:
    """The temp files under ``spool`` this process still holds open (deleted or not)."""
    held = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if target.startswith(str(spool)):
            held.append(target)
    return held


__all__ = ["azurite_connection_string", "moto_endpoint"]  # fixtures of the direct uploads

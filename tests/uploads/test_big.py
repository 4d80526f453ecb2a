"""A 1 GB upload streams through a real server while its memory stays flat (< 50 MB)."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import psutil
import pytest
from tests.uploads.server import serve

SIZE = 1024**3
CHUNK = b"\x5a" * (1024 * 1024)
BOUNDARY = "shipyard-big-upload"


def multipart(size: int) -> Iterator[bytes]:
    """A multipart body with one ``size``-byte file, generated as it is sent."""
    yield (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="f"; filename="big.bin"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    for _ in range(size // len(CHUNK)):
        yield CHUNK
    yield f"\r\n--{BOUNDARY}--\r\n".encode()


class PeakRss:
    """Samples a process's resident memory every 20 ms in a thread."""

    def __init__(self, pid: int) -> None:
        self.process = psutil.Process(pid)
        self.peak = self.process.memory_info().rss
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.02):
            self.peak = max(self.peak, self.process.memory_info().rss)

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()


@pytest.mark.slow
def test_a_1gb_upload_keeps_the_server_rss_under_50mb_more(tmp_path: Path) -> None:
    settings = {
        "SHIPYARD_UPLOADS__MAX_FILE_SIZE": str(2 * SIZE),
        "SHIPYARD_UPLOADS__MAX_REQUEST_SIZE": str(2 * SIZE),
        "SHIPYARD_UPLOADS__TEMP_DIR": str(tmp_path / "spool"),
    }
    with serve(tmp_path, settings) as (url, process), httpx.Client(timeout=600) as client:
        headers = {"content-type": f"multipart/form-data; boundary={BOUNDARY}"}
        warm = client.post(f"{url}/upload", content=multipart(len(CHUNK)), headers=headers)
        assert warm.status_code == 200, warm.text
        baseline = psutil.Process(process.pid).memory_info().rss
        with PeakRss(process.pid) as rss:
            response = client.post(f"{url}/upload", content=multipart(SIZE), headers=headers)
        assert response.status_code == 200, response.text
        [file] = response.json()["files"]
    expected = hashlib.sha256()
    for _ in range(SIZE // len(CHUNK)):
        expected.update(CHUNK)
    assert file["size"] == SIZE
    assert file["sha256"] == expected.hexdigest()
    growth = rss.peak - baseline
    assert growth < 50 * 1024 * 1024, f"the server grew by {growth / 2**20:.1f} MiB"


def test_an_upload_over_the_limit_is_answered_413_before_it_is_all_sent(tmp_path: Path) -> None:
    """A real server answers at the byte over the limit and closes; the client gets the
    problem, not a reset, and the server goes on serving."""
    sent = 0

    def body() -> Iterator[bytes]:
        nonlocal sent
        for chunk in multipart(200 * len(CHUNK)):
            sent += len(chunk)
            yield chunk

    with serve(tmp_path) as (url, _), httpx.Client(timeout=60) as client:
        headers = {"content-type": f"multipart/form-data; boundary={BOUNDARY}"}
        response = client.post(f"{url}/photos", content=body(), headers=headers)
        assert response.status_code == 413
        assert response.headers["connection"] == "close"
        assert "big.bin is over the limit of 64 KB per file" in response.json()["detail"]
        assert sent < 50 * len(CHUNK)
        again = client.post(f"{url}/photos", files={"f": ("a.gif", b"GIF89a" + b"\0" * 7 + b";")})
        assert again.status_code == 200, again.text

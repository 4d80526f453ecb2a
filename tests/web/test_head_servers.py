"""HEAD on real servers: uvicorn (h11 and httptools) and granian, over one keep-alive connection.

A HEAD answer that carried body bytes, or whose ``Content-Length`` the server did not
expect to go unsent, would break the connection: the GET sent after it on the same
connection would fail to parse.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from shipyard.testing.services import free_port

pytestmark = pytest.mark.slow

APP = """
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from shipyard import App, Settings

root = Path(__file__).parent
app = App(
    settings=Settings.model_validate(
        {"profile": "test", "database": {"url": f"sqlite+aiosqlite:///{root / 'head.db'}"}}
    ),
    root=root,
)
items = APIRouter(prefix="/api/items")


@app.get("/health")
async def health() -> dict[str, str]:
    return {"status": "ok"}


@app.get("/page", response_class=HTMLResponse)
async def page() -> str:
    return "<h1>" + "page " * 500 + "</h1>"


@items.get("")
async def list_items() -> list[dict[str, int]]:
    return [{"id": n} for n in range(50)]


@items.post("")
async def create_item() -> dict[str, int]:
    return {"id": 51}


app.include_router(items)
"""

SERVERS = {
    "uvicorn-h11": ["-m", "uvicorn", "--http", "h11", "--port"],
    "uvicorn-httptools": ["-m", "uvicorn", "--http", "httptools", "--port"],
    "granian": ["-m", "granian", "--interface", "asgi", "--port"],
}


@pytest.fixture(params=sorted(SERVERS))
def server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    (tmp_path / "headapp.py").write_text(APP)
    port = free_port()
    log = tmp_path / "server.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, *SERVERS[request.param], str(port), "headapp:app"],
            cwd=tmp_path,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(f"{url}/health", timeout=1)
                break
            except httpx.TransportError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"{request.param} did not start:\n{log.read_text()}")
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=15)
    assert "Traceback" not in log.read_text(), log.read_text()


def test_head_then_get_on_one_connection(server: str) -> None:
    with httpx.Client(base_url=server, limits=httpx.Limits(max_connections=1)) as http:
        for path in ("/health", "/page", "/api/items", "/missing"):
            head = http.head(path)
            got = http.get(path)  # same connection: breaks if the HEAD sent body bytes
            assert head.status_code == got.status_code, path
            assert head.content == b"", path
            assert head.headers["content-length"] == str(len(got.content)), path
            assert head.headers["content-type"] == got.headers["content-type"], path
        refused = http.delete("/api/items")
        assert refused.status_code == 405
        assert refused.headers["allow"] == "GET, HEAD, POST"
        assert http.get("/health").json() == {"status": "ok"}

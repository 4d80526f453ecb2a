"""Redis storage: counters shared between app instances and between worker processes."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import textwrap
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import httpx
import pytest
from starlette.testclient import TestClient
from tests.ratelimit.conftest import PASSWORD, PROXY, ClientFactory, concurrent_guesses

from shipyard.testing.services import free_port, redis_url, require_port

pytestmark = pytest.mark.redis

LIMIT = 25


@pytest.fixture
def redis_settings() -> dict[str, object]:
    url = urlparse(redis_url())
    require_port("Redis", url.hostname or "127.0.0.1", url.port or 6379)
    return {
        "storage": "redis",
        "redis_url": redis_url(),
        "key_prefix": f"test-rl-{uuid.uuid4().hex}",
    }


@pytest.mark.parametrize("strategy", ["sliding-window", "moving-window", "fixed-window"])
def test_redis_storage_limits_and_reports(
    make_client: ClientFactory, redis_settings: dict[str, object], strategy: str
) -> None:
    client = make_client(ip="2/minute", strategy=strategy, **redis_settings)
    first = client.get("/open")
    assert first.headers["RateLimit-Remaining"] == "1"
    assert [client.get("/open").status_code for _ in range(2)] == [200, 429]


def test_two_apps_share_the_counter(
    make_client: ClientFactory, redis_settings: dict[str, object]
) -> None:
    one = make_client(ip="3/minute", **redis_settings)
    two = make_client(ip="3/minute", **redis_settings)
    statuses = [client.get("/open").status_code for client in (one, two, one, two)]
    assert statuses == [200, 200, 200, 429]


def test_two_apps_share_the_login_throttle(
    make_client: ClientFactory, redis_settings: dict[str, object]
) -> None:
    throttle = {"failures": 3, "account_failures": 8, "first_delay": 600}
    options = {"named": {"auth": "1000/minute"}, "trusted_proxies": [PROXY]}
    one, two = (make_client(throttle=throttle, **options, **redis_settings) for _ in range(2))

    def guess(client: TestClient, ip: str, password: str = "guess") -> int:
        body = {"email": "ann@example.com", "password": password}
        response = client.post("/login", json=body, headers={"X-Forwarded-For": ip})
        return int(response.status_code)

    assert [guess(app, "203.0.113.1") for app in (one, two, one, two)] == [200, 200, 200, 429]
    refused = one.post(
        "/login",
        json={"email": "Ann@example.com", "password": PASSWORD},
        headers={"X-Forwarded-For": "203.0.113.1"},
    )
    assert refused.status_code == 429
    assert 595 <= int(refused.headers["Retry-After"]) <= 600
    spread = [guess(app, f"198.51.100.{n}") for n in range(12) for app in (one, two)]
    assert spread.count(200) == 8 - 3  # the account's count, shared, less the first IP's 3
    assert guess(two, "192.0.2.1", PASSWORD) == 429


def test_concurrent_guesses_on_redis_are_counted_atomically(
    make_client: ClientFactory, redis_settings: dict[str, object]
) -> None:
    throttle = {"failures": 4, "account_failures": 9, "first_delay": 600}
    client = make_client(
        throttle=throttle, named={"auth": "1000/minute"}, trusted_proxies=[PROXY], **redis_settings
    )
    assert concurrent_guesses(client, ["203.0.113.7"] * 40, "eve@example.com").count(200) == 4
    many = [f"198.51.100.{n}" for n in range(80)]
    assert concurrent_guesses(client, many, "eve@example.com").count(200) == 9 - 4


def test_unreachable_redis_fails_open_or_closed(make_client: ClientFactory) -> None:
    dead = f"redis://127.0.0.1:{free_port()}/0"
    open_client = make_client(ip="1/minute", storage="redis", redis_url=dead)
    assert [open_client.get("/open").status_code for _ in range(2)] == [200, 200]
    closed = make_client(ip="1/minute", storage="redis", redis_url=dead, fail_open=False)
    assert closed.get("/open").status_code == 500


APP_MODULE = """
import os

from fastapi import Depends

from shipyard import App, Settings
from shipyard.ratelimit import RateLimit

settings = Settings.model_validate(
    {
        "profile": "test",
        "database": {"url": "sqlite+aiosqlite:///:memory:"},
        "ratelimit": {
            "storage": "redis",
            "redis_url": os.environ["RL_REDIS"],
            "key_prefix": os.environ["RL_PREFIX"],
            "ip": None,
            "user": None,
        },
    }
)
app = App(settings=settings, root=os.environ["RL_ROOT"])


@app.get("/hit", dependencies=[Depends(RateLimit("%d/minute", key="route"))])
async def hit() -> dict[str, int]:
    return {"pid": os.getpid()}
"""


@pytest.fixture
def workers(tmp_path: Path, redis_settings: dict[str, object]) -> Iterator[list[str]]:
    """Two uvicorn processes serving the same app, sharing one Redis."""
    module = f"rlapp_{uuid.uuid4().hex[:8]}"
    (tmp_path / f"{module}.py").write_text(textwrap.dedent(APP_MODULE % LIMIT))
    env = {
        **os.environ,
        "RL_REDIS": str(redis_settings["redis_url"]),
        "RL_PREFIX": str(redis_settings["key_prefix"]),
        "RL_ROOT": str(tmp_path),
        "PYTHONPATH": os.pathsep.join([str(tmp_path), *sys.path]),
    }
    ports = [free_port(), free_port()]
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                f"{module}:app",
                "--port",
                str(port),
                "--log-level",
                "warning",
            ],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for port in ports
    ]
    urls = [f"http://127.0.0.1:{port}" for port in ports]
    try:
        for url, process in zip(urls, processes, strict=True):
            _wait_listening(url, process)
        yield urls
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_listening(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            errors = process.stderr.read().decode() if process.stderr else ""
            pytest.fail(f"uvicorn exited with {process.returncode}: {errors}")
        try:
            httpx.get(url + "/openapi.json", timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    pytest.fail(f"uvicorn at {url} did not start")


@pytest.mark.slow
def test_two_worker_processes_never_admit_more_than_the_limit(workers: list[str]) -> None:
    async def hammer() -> list[httpx.Response]:
        limits = httpx.Limits(max_connections=40)
        async with httpx.AsyncClient(timeout=30, limits=limits) as client:
            calls = [client.get(f"{workers[i % 2]}/hit") for i in range(LIMIT * 6)]
            return await asyncio.gather(*calls)

    responses = asyncio.run(hammer())
    admitted = [response for response in responses if response.status_code == 200]
    refused = [response for response in responses if response.status_code == 429]
    assert len(admitted) + len(refused) == len(responses)
    assert len(admitted) == LIMIT
    assert len({response.json()["pid"] for response in admitted}) == 2
    assert {response.headers["RateLimit-Remaining"] for response in refused} == {"0"}

"""Schemathesis against the showcase's JSON API: no 5xx, no response breaking its schema.

A real showcase server (uvicorn, development profile on a fresh SQLite file, migrated and
seeded, rate limiting off) runs on a free port. Every operation of both API versions'
OpenAPI documents (``/openapi/v1.json``, ``/openapi/v2.json``) gets a bounded number of
generated requests (valid and invalid), sent with the version's ``Accept`` header and a
bearer token of the seeded administrator (``*``), so the protected operations run too.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.strategies import one_of
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

SHOWCASE = Path(__file__).resolve().parents[2] / "examples" / "showcase"
BIN = Path(sys.executable).parent
ADMIN = {"email": "admin@example.test", "password": "showcase-admin-password"}
EXAMPLES = 40
MODES = (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE)
CHECKS = [not_a_server_error, response_schema_conformance]


@dataclass(frozen=True)
class Server:
    url: str
    token: str


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _wait_until_up(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the showcase server exited with {process.returncode}")
        try:
            if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    pytest.fail("the showcase server did not answer /health within 30 seconds")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    root = tmp_path_factory.mktemp("schemathesis")
    env = {
        **os.environ,
        "SHIPYARD_PROFILE": "development",
        "SHIPYARD_DATABASE__URL": f"sqlite+aiosqlite:///{root / 'showcase.db'}",
        "SHIPYARD_MAIL__FILE_DIR": str(root / "mail"),
        "SHIPYARD_RATELIMIT__ENABLED": "false",
        "SHIPYARD_CONFIG__HOT_RELOAD": "false",
        "SHIPYARD_APP__DEBUG": "false",
    }
    for command in ("upgrade", "seed"):
        subprocess.run([BIN / "shipyard", "db", command], cwd=SHOWCASE, env=env, check=True)
    port = _free_port()
    process = subprocess.Popen(
        [
            BIN / "python",
            "-m",
            "uvicorn",
            "app.main:app",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        cwd=SHOWCASE,
        env=env,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, process)
        token = httpx.post(f"{url}/auth/token", json=ADMIN).raise_for_status().json()
        yield Server(url, token["access_token"])
    finally:
        process.terminate()
        process.wait(timeout=10)


def _headers(server: Server, version: str) -> dict[str, str]:
    return {
        "Authorization": f"Bearer {server.token}",
        "Accept": f"application/vnd.shipyard.v{version}+json",
    }


@pytest.mark.parametrize("version", ["1", "2"])
def test_every_operation_answers_without_5xx_and_within_its_schema(
    server: Server, version: str
) -> None:
    schema = schemathesis.openapi.from_url(f"{server.url}/openapi/v{version}.json")
    headers = _headers(server, version)
    tested, statuses = [], set()
    for result in schema.get_all_operations():
        operation = result.ok()  # type: ignore[union-attr]  # an invalid one fails here
        label = operation.label

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
        )
        @given(case=one_of(*(operation.as_strategy(generation_mode=mode) for mode in MODES)))
        def check(case: schemathesis.Case[Any]) -> None:
            response = case.call_and_validate(base_url=server.url, headers=headers, checks=CHECKS)
            statuses.add((label, response.status_code))  # noqa: B023 (run in this iteration)

        check()
        tested.append(label)
    assert len(tested) == 5, tested
    # the bearer token reached the protected operations: none was refused for lack of it
    # (which writes succeed depends on the generated data, so no particular 201 is required)
    assert ("GET /api/ships", 200) in statuses, statuses
    assert not {status for _, status in statuses} & {401, 403}, statuses
    assert any(label == "POST /api/ships" for label, _ in statuses), statuses
    assert any(status == 422 for _, status in statuses), statuses


def test_both_documents_cover_every_ships_operation(server: Server) -> None:
    for version in ("1", "2"):
        document = httpx.get(f"{server.url}/openapi/v{version}.json").json()
        operations = {
            (method.upper(), path) for path, item in document["paths"].items() for method in item
        }
        assert operations == {
            ("GET", "/api/ships"),
            ("POST", "/api/ships"),
            ("GET", "/api/ships/{id}"),
            ("PATCH", "/api/ships/{id}"),
            ("DELETE", "/api/ships/{id}"),
        }

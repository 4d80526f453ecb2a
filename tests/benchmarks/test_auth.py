"""The ``auth`` variants answer for the identity their credential names, and 401 without it.

Each variant is set up as the runner sets it up (:func:`benchmarks.auth.prepare`), then
its app (a fresh instance from the factory, as a server would build) is driven
in-process through httpx's ASGI transport with the setup's headers. Nothing is timed.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from benchmarks.apps import PATH, PAYLOAD
from benchmarks.page_data import SCRATCH_ENV

from benchmarks import auth, run
from shipyard.testing.services import require_port

REDIS_VARIANTS = {"session_redis", "ratelimit_redis"}
VARIANT_PARAMS = [
    pytest.param(name, marks=[pytest.mark.redis] if name in REDIS_VARIANTS else [], id=name)
    for name in auth.FACTORIES
]
AUTHENTICATED = [name for name, variant in auth.VARIANTS.items() if variant.credential]


@contextlib.asynccontextmanager
async def served(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[tuple[httpx.AsyncClient, auth.Prepared]]:
    """The variant set up in ``tmp_path``, its factory's app started, and a client on it."""
    if name in REDIS_VARIANTS:
        require_port("Redis", "127.0.0.1", 6379)
    prepared = await auth.prepare(name, auth.root_in(tmp_path))
    monkeypatch.setenv(SCRATCH_ENV, str(tmp_path))
    app = auth.FACTORIES[name]()
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
            yield client, prepared


@pytest.mark.parametrize("name", VARIANT_PARAMS)
async def test_variant_answers_for_its_identity(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with served(name, tmp_path, monkeypatch) as (client, prepared):
        response = await client.get(PATH, headers=prepared.headers)
    assert response.status_code == 200, response.text
    expected_user = auth.EMAIL if auth.VARIANTS[name].credential else None
    assert response.json() == {**PAYLOAD, "user": expected_user}
    assert prepared.problem(response) is None
    assert response.headers["ratelimit-limit"] == "1000000000"


@pytest.mark.parametrize("name", AUTHENTICATED)
async def test_authenticated_variant_refuses_a_request_without_credentials(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with served(name, tmp_path, monkeypatch) as (client, prepared):
        response = await client.get(PATH)
    assert response.status_code == 401
    assert "www-authenticate" in response.headers
    assert prepared.problem(response) is not None


@pytest.mark.parametrize(
    ("name", "forged"),
    [
        ("session", {"Cookie": "shipyard_session=forged.x.y"}),
        ("jwt", {"Authorization": "Bearer not.a.jwt"}),
        ("api_key", {"X-API-Key": "sk_forged"}),
    ],
)
async def test_a_forged_credential_is_refused(
    name: str, forged: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with served(name, tmp_path, monkeypatch) as (client, _):
        response = await client.get(PATH, headers=forged)
    assert response.status_code == 401


async def test_setup_reuses_the_user_and_makes_a_fresh_credential(tmp_path: Path) -> None:
    root = auth.root_in(tmp_path)
    first = await auth.prepare("jwt", root)
    second = await auth.prepare("jwt", root)
    assert first.user == second.user == auth.EMAIL
    assert first.headers["Authorization"] != second.headers["Authorization"]
    assert (root / "app.db").exists()


def test_each_variant_guards_what_its_name_says() -> None:
    variants = auth.VARIANTS
    assert variants["none"] == auth.Variant()
    assert {name for name in variants if variants[name].route_limit} == {
        "ratelimit",
        "ratelimit_redis",
    }
    assert variants["session_redis"].sessions == "redis"
    assert variants["ratelimit_redis"].ratelimit_storage == "redis"
    assert list(auth.FACTORIES) == list(variants)


def test_auth_group_runs_every_variant_against_the_unguarded_endpoint() -> None:
    picked = run.select(run.all_cases("uvicorn", 1), "auth")
    assert [case.framework for case in picked] == list(auth.FACTORIES)
    assert run.GROUPS["auth"][1] == "auth-none" == picked[0].name
    command = run.server_command(picked[1], 9000)
    assert "benchmarks.auth:session_app" in command
    assert run.output_section(run.parse_args(["--cases", "auth"])) == "auth"
    assert run.output_section(run.parse_args(["--cases", "auth,pages"])) == "results"


def test_case_probe_runs_the_setup_and_expects_the_user(tmp_path: Path) -> None:
    case = run.select(run.all_cases("uvicorn", 1), "auth-api-key")[0]
    probe, headers = run.case_probe(case, tmp_path)
    assert set(headers) == {"X-API-Key"}
    good = httpx.Response(200, json={**PAYLOAD, "user": auth.EMAIL})
    anonymous = httpx.Response(200, json={**PAYLOAD, "user": None})
    assert probe.problem(good) is None
    assert probe.problem(anonymous) is not None

"""The ``policies`` variants answer alike, with the same number of queries.

Each variant is set up as a runner would (:func:`benchmarks.policies.prepare`), then its
app (a fresh instance from its factory) is driven in-process through httpx's ASGI
transport with the setup's bearer token. Nothing is timed: ``Authorize`` and the list
scope must cost no query over the hand-written baselines.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from benchmarks.page_data import SCRATCH_ENV

from benchmarks import policies
from shipyard.db import count_queries, get_database


@contextlib.asynccontextmanager
async def served(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[tuple[httpx.AsyncClient, dict[str, str], object]]:
    prepared = await policies.prepare(name, policies.root_in(tmp_path))
    monkeypatch.setenv(SCRATCH_ENV, str(tmp_path))
    app = policies.FACTORIES[name]()
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
            yield client, prepared.headers, get_database(app).engine


async def answers(
    name: str, paths: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[list[tuple[int, object]], list[int]]:
    """Each path's (status, body) and the queries each took, after one warm-up request."""
    results, counts = [], []
    async with served(name, tmp_path / name, monkeypatch) as (client, headers, engine):
        await client.get(paths[0], headers=headers)
        for path in paths:
            with count_queries(engine) as queries:  # type: ignore[arg-type]
                response = await client.get(path, headers=headers)
            if path in (policies.VIEW_PATH, policies.LIST_PATH):  # what the runner loads
                assert policies.answer_problem(path)(response) is None
            results.append((response.status_code, response.json()))
            counts.append(queries.count)
        # anonymous: 401 where the route needs a user, 404 where the scope hides the row
        assert (await client.get(paths[0])).status_code in (401, 404)
    return results, counts


async def test_authorize_answers_like_the_hand_written_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = ["/cargo/1", "/cargo/2", "/cargo/99999", "/cargo/0"]  # own, other's, missing, bad
    plain, plain_queries = await answers("view", paths, tmp_path, monkeypatch)
    guarded, guarded_queries = await answers("view_authorize", paths, tmp_path, monkeypatch)
    assert [status for status, _ in plain] == [200, 404, 404, 404]
    assert plain[0][1] == {"id": 1, "label": "cargo 1"}
    assert guarded == plain
    assert guarded_queries == plain_queries


async def test_the_scoped_list_adds_no_query(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plain, plain_queries = await answers("list", ["/cargo"], tmp_path, monkeypatch)
    scoped, scoped_queries = await answers("list_scoped", ["/cargo"], tmp_path, monkeypatch)
    status, body = plain[0]
    assert status == 200
    assert isinstance(body, list)
    assert [item["id"] for item in body] == list(range(1, 2 * policies.PAGE, 2))
    assert scoped == plain
    assert scoped_queries == plain_queries


def test_the_runner_probe_refuses_another_answer() -> None:
    refused = httpx.Response(404, json={"title": "Not Found"})
    assert policies.answer_problem(policies.VIEW_PATH)(refused) is not None
    wrong = httpx.Response(200, json=[{"id": 2, "label": "cargo 2"}])
    assert policies.answer_problem(policies.LIST_PATH)(wrong) is not None

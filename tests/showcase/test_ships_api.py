"""The showcase's JSON API: ``GET``/``POST /api/ships`` on a real SQLite database.

Creating needs ``ships:create``: ``api`` sends a bearer token that has it (the
authentication cases are in ``test_accounts.py``).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from httpx import AsyncClient


async def test_list_is_empty_on_a_fresh_database(client: AsyncClient) -> None:
    response = await client.get("/api/ships")  # anonymous: listing is public

    assert response.status_code == 200
    assert response.json() == []


async def test_create_returns_the_new_ship(api: AsyncClient) -> None:
    before = datetime.now(UTC)

    response = await api.post("/api/ships", json={"name": "  Endeavour "})

    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"id", "name", "created_at"}
    assert body["name"] == "Endeavour"
    assert isinstance(body["id"], int)
    created_at = datetime.fromisoformat(body["created_at"])
    assert created_at.tzinfo is not None
    assert before - timedelta(seconds=1) <= created_at <= datetime.now(UTC)


async def test_created_ships_are_listed_oldest_first(api: AsyncClient) -> None:
    created = []
    for name in ("Fram", "Beagle", "Kon-Tiki"):
        response = await api.post("/api/ships", json={"name": name})
        created.append(response.json())

    listed = (await api.get("/api/ships")).json()

    assert [ship["name"] for ship in listed] == ["Fram", "Beagle", "Kon-Tiki"]
    assert listed == created


async def test_duplicate_name_is_a_conflict_and_changes_nothing(api: AsyncClient) -> None:
    assert (await api.post("/api/ships", json={"name": "Fram"})).status_code == 201

    response = await api.post("/api/ships", json={"name": "Fram"})

    assert response.status_code == 409
    problem = response.json()
    assert problem["status"] == 409
    assert problem["detail"] == "A ship with this name already exists; choose another name."
    assert len((await api.get("/api/ships")).json()) == 1


async def test_request_after_a_conflict_still_works(api: AsyncClient) -> None:
    await api.post("/api/ships", json={"name": "Fram"})
    await api.post("/api/ships", json={"name": "Fram"})

    response = await api.post("/api/ships", json={"name": "Beagle"})

    assert response.status_code == 201
    assert [s["name"] for s in (await api.get("/api/ships")).json()] == ["Fram", "Beagle"]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        pytest.param({}, "name", id="missing-name"),
        pytest.param({"name": ""}, "name", id="empty"),
        pytest.param({"name": "   "}, "name", id="blank"),
        pytest.param({"name": "x" * 101}, "name", id="too-long"),
        pytest.param({"name": 42}, "name", id="not-a-string"),
        pytest.param({"name": None}, "name", id="null"),
        pytest.param({"name": "Fram", "id": 7}, "id", id="unknown-field"),
        pytest.param(["Fram"], None, id="not-an-object"),
    ],
)
async def test_invalid_bodies_are_rejected(
    api: AsyncClient, payload: Any, field: str | None
) -> None:
    response = await api.post("/api/ships", json=payload)

    assert response.status_code == 422
    problem = response.json()
    assert problem["status"] == 422
    locations = [error["loc"] for error in problem["errors"]]
    if field is not None:
        assert ["body", field] in locations
    assert (await api.get("/api/ships")).json() == []


async def test_malformed_json_is_rejected(api: AsyncClient) -> None:
    response = await api.post(
        "/api/ships", content=b'{"name": "Fr', headers={"content-type": "application/json"}
    )

    assert response.status_code == 422
    assert [error["type"] for error in response.json()["errors"]] == ["json_invalid"]


async def test_longest_allowed_name_is_accepted(api: AsyncClient) -> None:
    response = await api.post("/api/ships", json={"name": "x" * 100})

    assert response.status_code == 201

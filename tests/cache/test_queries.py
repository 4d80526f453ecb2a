"""``cached_query`` through the test app on the memory, Redis and database backends: a
select's rows kept until a committed write (ORM flush or bulk statement) to a table it
reads; entity selects refused; dates survive the shared stores' codec."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import column, select, table, text
from tests.cache.app import CachedItem, Calls, make_app
from tests.cache.conftest import redis_server, unique_prefix

from shipyard.cache import cached_query
from shipyard.cache.queries import query_key, query_tags
from shipyard.db import get_database
from shipyard.errors import ShipyardError
from shipyard.testing import ShipyardClient

BACKENDS = ("memory", "redis", "database")


@pytest.fixture(params=BACKENDS)
async def client(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[ShipyardClient]:
    options: dict[str, Any] = {"backend": request.param, "key_prefix": unique_prefix()}
    if request.param == "redis":
        options["url"] = redis_server()
    app = make_app(tmp_path, Calls(), **options)
    async with app.router.lifespan_context(app), ShipyardClient(app) as started:
        yield started


async def _insert_behind_the_cache(client: ShipyardClient, name: str) -> None:
    """A row written with raw SQL on a bare connection: no invalidation sees it."""
    async with get_database(client.app).engine.begin() as connection:
        await connection.execute(
            text("INSERT INTO cache_test_items (name) VALUES (:name)"), {"name": name}
        )


async def test_rows_stay_cached_until_a_committed_orm_write(client: ShipyardClient) -> None:
    added = await client.post("/quietly", params={"name": "Fram", "launched": "1892-10-26"})
    assert added.status_code == 200
    first = await client.get("/query")
    assert first.json() == [{"name": "Fram", "launched": "1892-10-26"}]

    await _insert_behind_the_cache(client, "Unseen")
    assert (await client.get("/query")).json() == first.json()  # a hit: the row is not seen

    refused = await client.post("/quietly", params={"name": "Ghost", "fail": "true"})
    assert refused.status_code == 409
    assert (await client.get("/query")).json() == first.json()  # a rollback changes nothing

    assert (await client.post("/quietly", params={"name": "Gjoa"})).status_code == 200
    names = [row["name"] for row in (await client.get("/query")).json()]
    assert names == ["Fram", "Unseen", "Gjoa"]


async def test_a_bulk_update_through_the_session_invalidates(client: ShipyardClient) -> None:
    await client.post("/quietly", params={"name": "Fram"})
    assert [row["name"] for row in (await client.get("/query")).json()] == ["Fram"]
    renamed = await client.post("/rename", params={"old": "Fram", "new": "Endurance"})
    assert renamed.status_code == 200
    assert [row["name"] for row in (await client.get("/query")).json()] == ["Endurance"]


async def test_rows_keep_their_python_types(client: ShipyardClient) -> None:
    await client.post("/quietly", params={"name": "Fram", "launched": "1892-10-26"})
    statement = select(CachedItem.name, CachedItem.launched)
    for _ in range(2):  # the miss, then the hit read back through the store's codec
        async with get_database(client.app).sessionmaker() as session:
            rows = await cached_query(session, statement, ttl=60)
        assert rows == [{"name": "Fram", "launched": date(1892, 10, 26)}]


async def test_entity_selects_are_refused_with_the_fix(client: ShipyardClient) -> None:
    async with get_database(client.app).sessionmaker() as session:
        with pytest.raises(ShipyardError, match="cannot keep CachedItem objects") as raised:
            await cached_query(session, select(CachedItem))
    assert "select(CachedItem.id" in str(raised.value.hint)


async def test_keys_differ_by_parameter_and_tags_name_every_table(
    client: ShipyardClient,
) -> None:
    fram = select(CachedItem.name).where(CachedItem.name == "Fram")
    gjoa = select(CachedItem.name).where(CachedItem.name == "Gjoa")
    async with get_database(client.app).sessionmaker() as session:
        assert query_key(session, fram) != query_key(session, gjoa)
        assert query_key(session, fram) == query_key(
            session, select(CachedItem.name).where(CachedItem.name == "Fram")
        )
    tags = table("cache_test_tags", column("item_id"))
    tagged = select(CachedItem.name).where(CachedItem.id.in_(select(tags.c.item_id)))
    assert query_tags(tagged) == ["table:cache_test_items", "table:cache_test_tags"]

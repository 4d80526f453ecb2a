"""``@cache`` on routes, through the whole default stack on SQLite, with the memory, Redis
and database backends: hits and misses, keys, what is never stored, invalidation after
commit (and not on rollback), one computation for 100 concurrent misses, 304s."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from tests.cache.app import Calls, make_app
from tests.cache.conftest import redis_server, unique_prefix

from shipyard import App
from shipyard.cache import CACHES, RedisStore
from shipyard.core.app import AppBase
from shipyard.db import get_database
from shipyard.testing import ShipyardClient, UserFactory

ROUTE_BACKENDS = ("memory", "redis", "database")


@pytest.fixture
def calls() -> Calls:
    return Calls()


async def _started(app: App) -> AsyncIterator[ShipyardClient]:
    async with app.router.lifespan_context(app), ShipyardClient(app) as client:
        yield client


@pytest.fixture(params=ROUTE_BACKENDS)
async def any_client(
    request: pytest.FixtureRequest, tmp_path: Path, calls: Calls
) -> AsyncIterator[ShipyardClient]:
    """A client of the test app whose default cache backend is each backend in turn."""
    options: dict[str, Any] = {"backend": request.param, "key_prefix": unique_prefix()}
    if request.param == "redis":
        options["url"] = redis_server()
    async for client in _started(make_app(tmp_path, calls, **options)):
        yield client


@pytest.fixture
async def client(tmp_path: Path, calls: Calls) -> AsyncIterator[ShipyardClient]:
    """A client of the test app on the memory backend."""
    async for client in _started(make_app(tmp_path, calls)):
        yield client


async def _user(app: AppBase, email: str) -> Any:
    async with get_database(app).sessionmaker() as session:
        user = await UserFactory(email=email).create(session)
        await session.commit()
        return user


async def test_a_miss_then_hits_with_age_and_x_cache(
    any_client: ShipyardClient, calls: Calls
) -> None:
    first = await any_client.get("/items")
    assert first.status_code == 200
    assert first.json() == []
    assert first.headers["x-cache"] == "miss"
    second = await any_client.get("/items")
    assert second.headers["x-cache"] == "hit"
    assert int(second.headers["age"]) >= 0
    assert second.json() == []
    assert second.headers["content-type"] == "application/json"
    assert calls.counts["items"] == 1
    head = await any_client.head("/items")
    assert head.status_code == 200
    assert head.headers["x-cache"] == "hit"
    assert head.content == b""
    plain = [await any_client.get("/plain") for _ in range(2)]
    assert "x-cache" not in plain[1].headers
    assert calls.counts["plain"] == 2


async def test_invalidation_waits_for_the_commit(any_client: ShipyardClient, calls: Calls) -> None:
    assert (await any_client.get("/items")).json() == []
    added = await any_client.post("/items", params={"name": "Fram"})
    assert added.status_code == 200, added.text
    after = await any_client.get("/items")
    assert after.headers["x-cache"] == "miss"
    assert after.json() == ["Fram"]
    assert calls.counts["items"] == 2


async def test_a_rolled_back_write_invalidates_nothing(
    any_client: ShipyardClient, calls: Calls
) -> None:
    assert (await any_client.get("/items")).json() == []
    failed = await any_client.post("/items", params={"name": "Ghost", "fail": "true"})
    assert failed.status_code == 409
    after = await any_client.get("/items")
    assert after.headers["x-cache"] == "hit"
    assert after.json() == []
    assert calls.counts["items"] == 1


async def test_a_committed_change_to_a_tagged_model_invalidates_it(
    any_client: ShipyardClient, calls: Calls
) -> None:
    assert (await any_client.get("/by-table")).json() == []
    refused = await any_client.post("/quietly", params={"name": "Ghost", "fail": "true"})
    assert refused.status_code == 409
    assert (await any_client.get("/by-table")).headers["x-cache"] == "hit"
    assert (await any_client.post("/quietly", params={"name": "Gjoa"})).status_code == 200
    after = await any_client.get("/by-table")
    assert after.headers["x-cache"] == "miss"
    assert after.json() == ["Gjoa"]
    assert calls.counts["by-table"] == 2


async def test_100_concurrent_misses_run_the_endpoint_once(
    any_client: ShipyardClient, calls: Calls
) -> None:
    tasks = [asyncio.create_task(any_client.get("/slow")) for _ in range(100)]
    await asyncio.sleep(0.2)
    calls.gate.set()
    responses = await asyncio.gather(*tasks)
    assert {response.status_code for response in responses} == {200}, responses[-1].text
    assert {response.json()["computed"] for response in responses} == {1}
    assert calls.counts["slow"] == 1
    assert sorted(response.headers["x-cache"] for response in responses) == ["hit"] * 99 + ["miss"]


async def test_path_parameter_tags(client: ShipyardClient, calls: Calls) -> None:
    assert (await client.get("/items/1")).json()["version"] == 1
    assert (await client.get("/items/2")).json()["version"] == 1
    await CACHES.get(client.app).invalidate_tags("item:1")
    assert (await client.get("/items/1")).json()["version"] == 2
    assert (await client.get("/items/2")).headers["x-cache"] == "hit"


async def test_only_the_named_query_parameters_count(client: ShipyardClient, calls: Calls) -> None:
    await client.get("/search", params={"q": "fram", "page": 1})
    again = await client.get("/search", params={"page": 2, "q": "fram", "utm": "x"})
    assert again.headers["x-cache"] == "hit"
    assert again.json() == {"q": "fram", "page": 1}
    other = await client.get("/search", params={"q": "gjoa"})
    assert other.headers["x-cache"] == "miss"
    assert other.json()["q"] == "gjoa"


async def test_the_key_varies_on_language_accept_htmx_and_chosen_headers(
    client: ShipyardClient, calls: Calls
) -> None:
    variants = [
        {"Accept-Language": "en"},
        {"Accept-Language": "fr"},
        {"Accept-Language": "fr", "X-Tenant": "a"},
        {"Accept-Language": "fr", "X-Tenant": "b"},
        {"Accept-Language": "fr", "HX-Request": "true"},
        {"Accept-Language": "fr", "Accept": "application/vnd.shipyard.v2+json"},
    ]
    for headers in variants:
        response = await client.get("/greeting", headers=headers)
        assert response.headers["x-cache"] == "miss", headers
        assert response.json()["language"] == headers["Accept-Language"]
    for headers in variants:
        assert (await client.get("/greeting", headers=headers)).headers["x-cache"] == "hit"
    assert calls.counts["greeting"] == len(variants)


@pytest.mark.parametrize("path", ["/cookie", "/no-store", "/private", "/visits", "/big"])
async def test_responses_that_must_not_be_shared_are_never_stored(
    client: ShipyardClient, calls: Calls, path: str
) -> None:
    for _ in range(3):
        response = await client.get(path)
        assert response.status_code == 200
        assert response.headers["x-cache"] == "miss"
    assert calls.counts[path.strip("/")] == 3


async def test_a_nonce_is_never_served_from_the_cache(client: ShipyardClient, calls: Calls) -> None:
    seen = set()
    for _ in range(3):
        response = await client.get("/nonce")
        body_nonce = re.search(r'nonce="([^"]+)"', response.text)
        assert body_nonce is not None
        policy = response.headers["content-security-policy"]
        assert "'nonce-" not in policy or f"'nonce-{body_nonce.group(1)}'" in policy
        assert response.headers["x-cache"] == "miss"
        seen.add(body_nonce.group(1))
    assert len(seen) == 3
    assert calls.counts["nonce"] == 3


async def test_a_user_page_without_vary_on_user_is_never_shared(
    client: ShipyardClient, calls: Calls
) -> None:
    app = client.app
    ada, bob = await _user(app, "ada@example.test"), await _user(app, "bob@example.test")
    as_ada, as_bob = await client.as_user(ada), await client.as_user(bob)
    assert (await as_ada.get("/whoami")).json() == {"email": "ada@example.test"}
    assert (await as_bob.get("/whoami")).json() == {"email": "bob@example.test"}
    assert (await as_ada.get("/whoami")).json() == {"email": "ada@example.test"}
    assert (await client.get("/whoami")).status_code == 401
    assert calls.counts["whoami"] == 3


async def test_vary_on_user_caches_per_user(client: ShipyardClient, calls: Calls) -> None:
    app = client.app
    ada, bob = await _user(app, "ada@example.test"), await _user(app, "bob@example.test")
    as_ada, as_bob = await client.as_user(ada), await client.as_user(bob)
    for _ in range(2):
        assert (await as_ada.get("/me")).json() == {"email": "ada@example.test"}
        assert (await as_bob.get("/me")).json() == {"email": "bob@example.test"}
    hit = await as_ada.get("/me")
    assert hit.headers["x-cache"] == "hit"
    assert hit.headers["cache-control"] == "no-store"  # never kept by a shared cache
    assert calls.counts["me"] == 2
    assert (await client.get("/me")).status_code == 401  # anonymous: no user's page


async def test_a_stored_etag_answers_304_from_the_cache(
    client: ShipyardClient, calls: Calls
) -> None:
    first = await client.get("/etag")
    etag = first.headers["etag"]
    revalidated = await client.get("/etag", headers={"If-None-Match": etag})
    assert revalidated.status_code == 304
    assert revalidated.headers["x-cache"] == "hit"
    assert revalidated.headers["etag"] == etag
    assert revalidated.content == b""
    other = await client.get("/etag", headers={"If-None-Match": '"something-else"'})
    assert other.status_code == 200
    assert other.json() == {"stable": True}
    assert calls.counts["etag"] == 1


async def test_a_stored_last_modified_answers_304_from_the_cache(
    client: ShipyardClient, calls: Calls
) -> None:
    assert (await client.get("/dated")).headers["x-cache"] == "miss"
    since = {"If-Modified-Since": "Wed, 10 Apr 1912 12:00:00 GMT"}
    revalidated = await client.get("/dated", headers=since)
    assert revalidated.status_code == 304
    assert revalidated.headers["x-cache"] == "hit"
    earlier = {"If-Modified-Since": "Tue, 09 Apr 1912 12:00:00 GMT"}
    changed = await client.get("/dated", headers=earlier)
    assert changed.status_code == 200
    assert changed.json() == {"dated": True}
    assert calls.counts["dated"] == 1


async def test_unsafe_methods_pass_through(client: ShipyardClient, calls: Calls) -> None:
    assert (await client.post("/items", params={"name": "a"})).status_code == 200
    assert (await client.post("/items", params={"name": "b"})).status_code == 200
    assert (await client.get("/items")).json() == ["a", "b"]


async def test_an_unreachable_backend_serves_uncached(tmp_path: Path, calls: Calls) -> None:
    app = make_app(tmp_path, calls, backend="redis", url="redis://127.0.0.1:1/0")
    async for client in _started(app):
        for _ in range(2):
            response = await client.get("/items")
            assert response.status_code == 200
            assert response.json() == []
        assert calls.counts["items"] == 2


async def test_hostile_requests_get_ordinary_answers(client: ShipyardClient, calls: Calls) -> None:
    huge = {"q": "fram", "utm": "x" * 20_000}  # only q is in the key; the body stays small
    odd = {b"Accept-Language": ("é" * 10).encode()}
    assert (await client.get("/search", params=huge, headers=odd)).status_code == 200
    assert (await client.get("/search", params=huge, headers=odd)).headers["x-cache"] == "hit"
    assert (await client.get("/search", params=huge)).headers["x-cache"] == "miss"
    bad_validators = {"If-None-Match": '"unterminated, W/, *x', "If-Modified-Since": "nope"}
    assert (await client.get("/search", params=huge, headers=bad_validators)).status_code == 200
    assert calls.counts["search"] == 2


async def test_a_route_can_name_its_backend(tmp_path: Path, calls: Calls) -> None:
    from tests.cache.app import routes

    app = make_app(tmp_path, Calls(), key_prefix=unique_prefix(), url=redis_server())
    app.include_router(routes(calls, "redis"), prefix="/on-redis")
    async for client in _started(app):
        await client.get("/on-redis/items")
        assert (await client.get("/on-redis/items")).headers["x-cache"] == "hit"
        registry = CACHES.get(app)
        assert set(registry.caches) == {"redis"}
        assert isinstance(registry.caches["redis"].store, RedisStore)
        assert calls.counts["items"] == 1

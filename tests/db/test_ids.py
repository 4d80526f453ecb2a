"""Row ids in URLs: whole ASCII numbers within the key column's range, else a 404."""

from __future__ import annotations

import inspect

import httpx
import pytest
from fastapi import APIRouter, Request
from sqlalchemy import BigInteger, Integer, SmallInteger, String
from sqlalchemy.dialects.postgresql import UUID

from shipyard import App, PageRouter, RowId, Settings
from shipyard.db import BigRowId, row_id_for
from shipyard.db.ids import BIG_ROW_ID_MAX, ROW_ID_MAX, RowIdCheck

pages = PageRouter()
api = APIRouter()


@pages.get("/small/{item_id}")
async def small(request: Request, item_id: RowId) -> str:
    return f"<p>{item_id}</p>"


@api.get("/big/{item_id}")
async def big(request: Request, item_id: BigRowId) -> dict[str, int]:
    return {"id": item_id}


def _app() -> App:
    app = App(settings=Settings(profile="test"))
    app.include_router(pages)
    app.include_router(api)
    return app


async def _get(path: str, accept: str = "application/json") -> httpx.Response:
    transport = httpx.ASGITransport(app=_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        return await client.get(path, headers={"Accept": accept})


async def test_ids_in_range_reach_the_route() -> None:
    assert (await _get("/small/1")).text == "<p>1</p>"
    assert (await _get("/small/2147483647")).text == f"<p>{ROW_ID_MAX}</p>"
    assert (await _get("/big/9223372036854775807")).json() == {"id": BIG_ROW_ID_MAX}


@pytest.mark.parametrize(
    "path",
    [
        "/small/2147483648",
        "/big/9223372036854775808",
        "/big/" + "9" * 400,
        "/small/0",
        "/small/-1",
        "/small/abc",
        "/small/1.0",
        "/small/%201",
        "/small/1_000",
        "/small/+1",
        "/small/%EF%BC%91",  # a full-width digit one
    ],
)
async def test_ids_that_cannot_exist_are_a_404(path: str) -> None:
    problem = await _get(path)
    assert problem.status_code == 404
    assert problem.json()["type"].endswith("/not-found")
    assert "ids are whole numbers from 1 to" in problem.json()["detail"]
    page = await _get(path, accept="text/html")
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")


def test_the_check_takes_ints_too_and_refuses_bools() -> None:
    check = RowIdCheck(10)
    assert check(3) == 3
    assert check("10") == 10
    with pytest.raises(Exception, match="ids are whole numbers from 1 to 10"):
        check(True)
    with pytest.raises(Exception, match="from 1 to 10"):
        check(11)


def test_the_type_follows_the_key_column() -> None:
    app = App(settings=Settings(profile="test"))
    router = APIRouter()
    for name, kind in {"s": SmallInteger(), "i": Integer(), "b": BigInteger()}.items():
        annotation = row_id_for(kind, description=f"{name} id")

        async def endpoint(item_id: int) -> None:
            return None

        parameter = inspect.Parameter(
            "item_id", inspect.Parameter.KEYWORD_ONLY, annotation=annotation
        )
        endpoint.__signature__ = inspect.Signature([parameter])  # type: ignore[attr-defined]
        router.add_api_route(f"/{name}/{{item_id}}", endpoint)
    app.include_router(router)
    paths = app.openapi()["paths"]
    maxima = {path: op["get"]["parameters"][0]["schema"]["maximum"] for path, op in paths.items()}
    assert maxima == {
        "/s/{item_id}": 2**15 - 1,
        "/i/{item_id}": 2**31 - 1,
        "/b/{item_id}": 2**63 - 1,
    }
    assert paths["/i/{item_id}"]["get"]["parameters"][0]["description"] == "i id"
    assert row_id_for(String()) is None
    assert row_id_for(UUID()) is None

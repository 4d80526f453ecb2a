"""The app the route-cache tests run against: cached routes over a real table.

``calls`` counts how often each endpoint really ran, so a test can tell a hit (the
endpoint did not run) from a miss.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from sqlalchemy import select, update
from sqlalchemy.orm import Mapped, mapped_column

from shipyard import App, Settings
from shipyard.auth import AuthExtension, CurrentUser
from shipyard.cache import cache, cached_query, conditional, invalidate_tags, model_tag
from shipyard.db import DbSession, IdMixin, Model, get_database
from shipyard.sessions import SessionDep
from shipyard.testing import schema
from shipyard.web import render

FAST_ARGON2 = {"argon2_time_cost": 1, "argon2_memory_cost": 8, "argon2_parallelism": 1}
NONCE_TEMPLATE = '<script nonce="{{ csp_nonce() }}">1</script>'


class CachedItem(IdMixin, Model):
    """A row the cached list shows."""

    __tablename__ = "cache_test_items"

    name: Mapped[str]
    launched: Mapped[date | None] = mapped_column(default=None)


class Calls:
    """How many times each endpoint ran, and a gate the slow one waits at."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.gate = asyncio.Event()


LAUNCHED = datetime(1912, 4, 10, 12, 0, tzinfo=UTC)
"""The ``Last-Modified`` of ``/dated``."""


def routes(calls: Calls, backend: str | None) -> APIRouter:
    router = APIRouter()

    @router.get("/items")
    @cache(ttl=60, backend=backend, tags=["items"])
    async def list_items(db: DbSession) -> list[str]:
        calls.counts["items"] += 1
        return list((await db.scalars(select(CachedItem.name).order_by(CachedItem.id))).all())

    @router.post("/items")
    async def add_item(
        request: Request, db: DbSession, name: str, fail: bool = False
    ) -> dict[str, str]:
        db.add(CachedItem(name=name))
        await invalidate_tags(request, "items")
        await db.flush()
        if fail:
            raise HTTPException(409, "refused after invalidating: the write rolls back")
        return {"added": name}

    @router.get("/by-table")
    @cache(ttl=60, tags=[model_tag(CachedItem)])
    async def by_table(db: DbSession) -> list[str]:
        calls.counts["by-table"] += 1
        return list((await db.scalars(select(CachedItem.name).order_by(CachedItem.id))).all())

    @router.post("/quietly")
    async def add_quietly(
        db: DbSession, name: str, fail: bool = False, launched: date | None = None
    ) -> dict[str, str]:
        db.add(CachedItem(name=name, launched=launched))
        await db.flush()
        if fail:
            raise HTTPException(409, "refused after the flush: the write rolls back")
        return {"added": name}

    @router.get("/query")
    async def query(db: DbSession) -> list[dict[str, Any]]:
        statement = select(CachedItem.name, CachedItem.launched).order_by(CachedItem.id)
        return await cached_query(db, statement, ttl=60, backend=backend)

    @router.post("/rename")
    async def rename(db: DbSession, old: str, new: str) -> dict[str, str]:
        await db.execute(update(CachedItem).where(CachedItem.name == old).values(name=new))
        return {"renamed": new}

    @router.get("/items/{item_id}")
    @cache(ttl=60, tags=["item:{item_id}"])
    async def item(item_id: int) -> dict[str, int]:
        calls.counts[f"item:{item_id}"] += 1
        return {"id": item_id, "version": calls.counts[f"item:{item_id}"]}

    @router.get("/search")
    @cache(ttl=60, query=["q"])
    async def search(q: str = "", page: int = 1) -> dict[str, Any]:
        calls.counts["search"] += 1
        return {"q": q, "page": page}

    @router.get("/greeting")
    @cache(ttl=60, vary_on=["X-Tenant"])
    async def greeting(request: Request) -> dict[str, str]:
        calls.counts["greeting"] += 1
        language = request.headers.get("accept-language", "en")
        return {"language": language, "tenant": request.headers.get("x-tenant", "")}

    @router.get("/nonce")
    @cache(ttl=60)
    async def nonce_page(request: Request) -> HTMLResponse:
        calls.counts["nonce"] += 1
        return render(request, "nonce.html", {})

    @router.get("/cookie")
    @cache(ttl=60)
    async def cookie() -> JSONResponse:
        calls.counts["cookie"] += 1
        response = JSONResponse({"ok": True})
        response.set_cookie("tracking", "abc")
        return response

    @router.get("/no-store")
    @cache(ttl=60)
    async def no_store() -> JSONResponse:
        calls.counts["no-store"] += 1
        return JSONResponse({"ok": True}, headers={"Cache-Control": "no-store"})

    @router.get("/private")
    @cache(ttl=60)
    async def private() -> JSONResponse:
        calls.counts["private"] += 1
        return JSONResponse({"ok": True}, headers={"Cache-Control": "private, max-age=60"})

    @router.get("/whoami")
    @cache(ttl=60)
    async def whoami(user: CurrentUser) -> dict[str, str]:
        calls.counts["whoami"] += 1
        return {"email": user.email}

    @router.get("/me")
    @cache(ttl=60, vary_on_user=True)
    async def me(user: CurrentUser) -> dict[str, str]:
        calls.counts["me"] += 1
        return {"email": user.email}

    @router.get("/visits")
    @cache(ttl=60)
    async def visits(session: SessionDep) -> dict[str, int]:
        calls.counts["visits"] += 1
        return {"visits": int(session.get("visits", 0))}

    @router.get("/etag")
    @cache(ttl=60)
    async def etag(request: Request) -> Response:
        calls.counts["etag"] += 1
        return conditional(request, JSONResponse({"stable": True}))

    @router.get("/dated")
    @cache(ttl=60)
    async def dated(request: Request) -> Response:
        calls.counts["dated"] += 1
        response = JSONResponse({"dated": True})
        return conditional(request, response, last_modified=LAUNCHED)

    @router.get("/slow")
    @cache(ttl=60)
    async def slow() -> dict[str, int]:
        calls.counts["slow"] += 1
        await calls.gate.wait()
        return {"computed": calls.counts["slow"]}

    @router.get("/big")
    @cache(ttl=60)
    async def big() -> Response:
        calls.counts["big"] += 1
        return Response(b"x" * 4096, media_type="text/plain")

    @router.get("/plain")
    async def plain() -> dict[str, int]:
        calls.counts["plain"] += 1
        return {"n": calls.counts["plain"]}

    return router


def make_app(root: Path, calls: Calls, *, backend: str | None = None, **cache: Any) -> App:
    """An App on a SQLite file under ``root`` with the cached routes above."""
    settings = Settings.model_validate(
        {
            "profile": "test",
            "database": {"url": f"sqlite+aiosqlite:///{root / 'app.db'}"},
            "auth": FAST_ARGON2,
            "ratelimit": {"ip": "10000/minute"},
            "cache": {"max_entry_bytes": 2048, **cache},
        }
    )
    app = App(settings=settings, root=root, extensions=[AuthExtension(prefix="/account")])
    (root / "templates").mkdir(exist_ok=True)
    (root / "templates" / "nonce.html").write_text(NONCE_TEMPLATE)
    app.add_template_dir(root / "templates")
    app.include_router(routes(calls, backend))

    @app.on_startup
    async def create_tables(started: App) -> None:
        async with get_database(started).engine.begin() as connection:
            await connection.run_sync(schema.create_tables)

    return app

"""The app the tracing test serves: a route that queries, calls out, renders and enqueues.

``uvicorn --factory tests.observability.traced_app:build`` in a scratch directory
(``$TRACED_APP_DIR``); the embedded worker runs the job outside the request.
"""

from __future__ import annotations

import os
from collections.abc import Awaitable
from pathlib import Path
from typing import Any, cast

import httpx
from fastapi import Request
from redis.asyncio import Redis
from sqlalchemy import text

from shipyard import App, Settings
from shipyard.db import DbSession
from shipyard.jobs import Job, JobContext, get_jobs
from shipyard.testing.schema import create_app_schema
from shipyard.testing.services import redis_url
from shipyard.web import render_to_string


class Traced(Job):
    """A job whose run must continue the trace of the request that enqueued it."""

    note: str

    async def run(self, ctx: JobContext) -> None:
        ctx.logger.info("traced job ran: %s", self.note)


def build() -> App:
    root = Path(os.environ["TRACED_APP_DIR"])
    settings = Settings.model_validate(
        {
            "app": {"name": "traced"},
            "database": {"url": f"sqlite+aiosqlite:///{root / 'app.db'}"},
            "jobs": {"embedded_worker": True, "poll_interval": 0.05},
            "tracing": {"enabled": "on"},
        }
    )
    app = App(settings, root=root)
    app.on_startup(create_app_schema)

    (root / "templates").mkdir(exist_ok=True)
    (root / "templates" / "launched.html").write_text("<p>{{ count }} ships</p>")
    app.add_template_dir(root / "templates")

    @app.post("/ships")
    async def launch(request: Request, db: DbSession) -> dict[str, Any]:
        count: int = (await db.execute(text("SELECT 41 + 1"))).scalar_one()
        await get_jobs(app).enqueue(Traced(note="launched"))
        async with httpx.AsyncClient() as client:
            probe = await client.get(str(request.base_url) + "up")
        redis = Redis.from_url(redis_url())
        try:
            await cast(Awaitable[bool], redis.ping())
        finally:
            await redis.aclose()
        page = render_to_string(request, "launched.html", {"count": count})
        return {"count": count, "page": str(page), "probe": probe.status_code}

    return app

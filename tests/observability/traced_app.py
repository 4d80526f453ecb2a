"""The app the tracing test serves: a route that queries and enqueues a job, run elsewhere.

``uvicorn --factory tests.observability.traced_app:build`` in a scratch directory
(``$TRACED_APP_DIR``); the embedded worker runs the job outside the request.
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import text

from shipyard import App, Settings
from shipyard.db import DbSession
from shipyard.jobs import Job, JobContext, get_jobs
from shipyard.testing.schema import create_app_schema


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

    @app.post("/ships")
    async def launch(db: DbSession) -> dict[str, int]:
        count: int = (await db.execute(text("SELECT 41 + 1"))).scalar_one()
        await get_jobs(app).enqueue(Traced(note="launched"))
        return {"count": count}

    return app

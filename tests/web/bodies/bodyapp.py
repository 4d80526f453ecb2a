"""The app the body-limit tests run against, in-process and under a real uvicorn.

Every content type has an endpoint: JSON (anonymous, and one behind authentication),
a urlencoded form, text/plain, a multipart upload route with its own larger
``max_body_size``, a router included with a smaller one, and a raw stream that records
how many bytes the app was handed (``app.state.streamed``). ``server_app`` builds it for
``uvicorn --factory`` on ``BODIES_DATABASE_URL`` with the default ``web.max_body_size``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, UploadFile
from pydantic import BaseModel
from starlette.requests import ClientDisconnect

from shipyard import App, Settings
from shipyard.auth import AuthExtension, CurrentIdentity
from shipyard.auth.tokens import TokensExtension
from shipyard.forms import FormResult, form_of

KiB = 1024
LIMIT = 64 * KiB
"""``web.max_body_size`` of the in-process tests."""
UPLOAD_LIMIT = 256 * KiB
"""The upload route's own ``max_body_size``."""
TINY_LIMIT = 1 * KiB
"""The ``max_body_size`` of the included ``/tiny`` router."""
FAST_ARGON2 = {"argon2_time_cost": 1, "argon2_memory_cost": 8, "argon2_parallelism": 1}


class Note(BaseModel):
    text: str


NoteForm = Annotated[FormResult[Note], Depends(form_of(Note))]


def _handled(request: Request, name: str) -> None:
    request.app.state.handled.append(name)


def routes() -> APIRouter:
    router = APIRouter()

    @router.post("/json")
    async def json_body(request: Request, payload: dict[str, Any]) -> dict[str, int]:
        _handled(request, "json")
        return {"keys": len(payload)}

    @router.post("/private/json")
    async def private_json(
        request: Request, identity: CurrentIdentity, payload: dict[str, Any]
    ) -> dict[str, int]:
        _handled(request, "private")
        return {"user": identity.user.id, "keys": len(payload)}

    @router.post("/form")
    async def form(request: Request, note: NoteForm) -> dict[str, int]:
        _handled(request, "form")
        return {"length": len(note.data.text) if note.is_valid else -1}

    @router.post("/text")
    async def text(request: Request) -> dict[str, int]:
        body = await request.body()
        _handled(request, "text")
        return {"length": len(body)}

    @router.post("/upload", max_body_size=UPLOAD_LIMIT)
    async def upload(request: Request, file: UploadFile) -> dict[str, int]:
        _handled(request, "upload")
        return {"size": len(await file.read())}

    @router.api_route("/raw", methods=["GET", "POST"])
    async def raw(request: Request) -> dict[str, int]:
        total = 0
        try:
            async for chunk in request.stream():
                total += len(chunk)
        except ClientDisconnect:
            pass
        finally:
            request.app.state.streamed.append(total)
        return {"length": total}

    return router


def tiny_routes() -> APIRouter:
    router = APIRouter(max_body_size=TINY_LIMIT)

    @router.post("/note")
    async def note(request: Request, payload: dict[str, Any]) -> dict[str, int]:
        _handled(request, "tiny")
        return {"keys": len(payload)}

    return router


def make_app(database_url: str, root: Path, max_body_size: int | None = LIMIT) -> App:
    """The body-limit test app on ``database_url``; ``max_body_size`` None: the default."""
    values: dict[str, Any] = {
        "profile": "test",
        "database": {"url": database_url},
        "auth": FAST_ARGON2,
    }
    if max_body_size is not None:
        values["web"] = {"max_body_size": max_body_size}
    settings = Settings.model_validate(values)
    app = App(
        settings=settings,
        root=root,
        extensions=[AuthExtension(prefix="/account"), TokensExtension(prefix=None)],
    )
    app.state.handled = []
    app.state.streamed = []
    app.include_router(routes())
    app.include_router(tiny_routes(), prefix="/tiny")
    return app


def server_app() -> App:
    """The app ``uvicorn --factory`` serves in the memory test, with the default limit."""
    return make_app(os.environ["BODIES_DATABASE_URL"], Path.cwd(), max_body_size=None)

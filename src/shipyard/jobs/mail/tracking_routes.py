"""The open pixel and the click redirect of tracked mail (``mail.tracking``).

``GET <path>/o/{token}`` answers a 1x1 transparent GIF and records ``opened``;
``GET <path>/c/{token}`` records ``clicked`` and redirects (303) to the URL signed into
the token. A token that does not verify (forged, altered, for another app) is a 404: the
redirect only ever goes to a URL this app signed, so it is no open redirect.
"""

from __future__ import annotations

import base64
import logging
from typing import TYPE_CHECKING

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.exc import SQLAlchemyError

from shipyard.db.extension import get_database
from shipyard.jobs.mail.deliveries import TrackedState, advance
from shipyard.mail.tracking import read_click, read_open

if TYPE_CHECKING:
    from shipyard.core.app import AppBase

logger = logging.getLogger("shipyard.mail")

PIXEL = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")
"""A 1x1 transparent GIF."""

NO_STORE = {"Cache-Control": "no-store, private", "Referrer-Policy": "no-referrer"}


async def _record(app: AppBase, key: str, state: TrackedState) -> None:
    try:
        async with get_database(app).sessionmaker() as session:
            await advance(session, state, key=key)
            await session.commit()
    except SQLAlchemyError:  # tracking never stands between the reader and the page
        logger.exception("could not record %s of mail %s", state, key)


async def opened(request: Request, token: str) -> Response:
    """The open pixel."""
    key = read_open(request.app.settings, token)
    if key is None:
        raise HTTPException(404)
    await _record(request.app, key, "opened")
    return Response(PIXEL, media_type="image/gif", headers=NO_STORE)


async def clicked(request: Request, token: str) -> Response:
    """The click redirect, to the signed URL only."""
    found = read_click(request.app.settings, token)
    if found is None:
        raise HTTPException(404)
    key, url = found
    await _record(request.app, key, "clicked")
    return RedirectResponse(url, status_code=303, headers=NO_STORE)


def tracking_router(app: AppBase) -> APIRouter:
    """The pixel and redirect routes, under ``mail.tracking.path``."""
    router = APIRouter(include_in_schema=False)
    path = app.settings.mail.tracking.path
    router.add_api_route(path + "/o/{token}", opened, methods=["GET"], name="shipyard_mail_open")
    router.add_api_route(path + "/c/{token}", clicked, methods=["GET"], name="shipyard_mail_click")
    return router

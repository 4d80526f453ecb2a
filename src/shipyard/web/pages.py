"""`PageRouter`: the router for HTML pages.

Pages show flash messages and carry CSRF tokens, and templates cannot wait for the
session store, so a page router loads the session before each handler (one store read,
only when the browser sent a session cookie). JSON routers stay plain ``APIRouter``s and
never touch the store. Page responses default to HTML and stay out of the OpenAPI schema.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import APIRouter, Depends
from fastapi.params import Depends as DependsParam
from fastapi.responses import HTMLResponse

from shipyard.sessions.session import load_session


class PageRouter(APIRouter):
    """An ``APIRouter`` for server-rendered pages: session loaded, HTML by default."""

    def __init__(self, *, dependencies: Sequence[DependsParam] | None = None, **options: Any):
        options.setdefault("default_response_class", HTMLResponse)
        options.setdefault("include_in_schema", False)
        super().__init__(dependencies=[Depends(load_session), *(dependencies or ())], **options)

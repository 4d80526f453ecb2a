"""``CookbookExtension``: mounts the interactive API cookbook page on an App (opt-in).

::

    app = App(extensions=[CookbookExtension(path="/api/cookbook")])

The page (``cookbook/index.html``, extending ``layouts/base.html``) is rendered from the
app's OpenAPI document on each request, so it always matches the routes. Its script and
stylesheet are framework static files (``shipyard/cookbook/``); nothing is loaded from
another site and the script carries the CSP nonce. Descriptions are rendered from
CommonMark with raw HTML off (:mod:`.markdown`); unique body fields get fresh values on
each load (:func:`~shipyard.api.cookbook.page.fresh_value`).
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from fastapi import Request
from fastapi.responses import HTMLResponse

from shipyard.api.cookbook.markdown import render_markdown
from shipyard.api.cookbook.operations import read_document
from shipyard.api.cookbook.page import LANGUAGES, build_page
from shipyard.api.cookbook.sources import api_documents, base_url_for, try_root
from shipyard.errors import ShipyardError
from shipyard.extension import Extension
from shipyard.web.pages import PageRouter
from shipyard.web.render import render

if TYPE_CHECKING:
    from shipyard.core.app import AppBase

TEMPLATE = "cookbook/index.html"
ROUTE_NAME = "shipyard_api_cookbook"


class CookbookExtension(Extension):
    """The API cookbook page at ``path``: examples in curl, httpx and fetch, plus try-it."""

    name = "cookbook"

    def __init__(
        self,
        path: str = "/api/cookbook",
        *,
        title: str | None = None,
        server_url: str | None = None,
    ) -> None:
        if not path.startswith("/") or path != path.strip() or "{" in path:
            raise ShipyardError(
                f"CookbookExtension(path={path!r}) is not a plain URL path",
                hint='give an absolute path such as "/api/cookbook"',
            )
        self.path = path.rstrip("/") or "/"
        self.title = title
        self.server_url = server_url.rstrip("/") if server_url else None

    def setup(self, app: AppBase) -> None:
        router = PageRouter()
        router.add_api_route(self.path, self.page, methods=["GET"], name=ROUTE_NAME)
        app.include_router(router)

    async def page(self, request: Request, version: str | None = None) -> HTMLResponse:
        """The cookbook for one API version (the default one without ``?version=``)."""
        sources = api_documents(request.app)
        chosen = next((source for source in sources if source.version == version), sources[0])
        document = read_document(chosen.openapi)
        base_url = self.server_url or base_url_for(request, chosen.openapi)
        page = build_page(
            document,
            base_url,
            accept=chosen.accept,
            versions=[source.version for source in sources if source.version],
            version=chosen.version,
            fresh=secrets.token_hex(3),
        )
        context = {
            "page": page,
            "languages": LANGUAGES,
            "title": self.title or f"{document.title} cookbook",
            "try_root": try_root(request, chosen.openapi),
            "cookbook_path": self.path,
            "markdown": render_markdown,
        }
        return render(request, TEMPLATE, context)

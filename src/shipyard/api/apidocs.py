"""Swagger UI and ReDoc served by the framework: offline, under the strict CSP.

FastAPI's ``/docs`` and ``/redoc`` load their scripts from a CDN and start them with an
inline script, so they are blank without internet and need a relaxed Content Security
Policy. :class:`ApiDocsExtension` (one of :class:`shipyard.App`'s batteries) puts its own
pages at the same URLs (``app.docs_url``, ``app.redoc_url`` and
``app.swagger_ui_oauth2_redirect_url``; ``None`` turns a page off, as in FastAPI):

- the assets are vendored framework static files (``shipyard/vendor/swagger-ui/``,
  ``shipyard/vendor/redoc/``, see that folder's README for versions and licences);
- the pages hold no inline script: ``shipyard/apidocs/swagger-init.js`` and
  ``redoc-init.js`` read their configuration from ``data-`` attributes (FastAPI's
  ``swagger_ui_parameters`` and ``swagger_ui_init_oauth`` included) and carry the nonce;
- Swagger UI sends the page's CSRF token with its requests, so "Try it out" works for a
  logged-in browser session too; ReDoc gets the nonce for the styles it injects.

The templates (``apidocs/swagger.html``, ``apidocs/redoc.html``,
``apidocs/oauth2-redirect.html``) can be overridden like any framework template.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fastapi.encoders import jsonable_encoder
from fastapi.openapi.docs import swagger_ui_default_parameters
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from shipyard.extension import Extension
from shipyard.web.render import render

if TYPE_CHECKING:
    from shipyard.core.app import AppBase

SWAGGER_TEMPLATE = "apidocs/swagger.html"
REDOC_TEMPLATE = "apidocs/redoc.html"
OAUTH2_REDIRECT_TEMPLATE = "apidocs/oauth2-redirect.html"

SWAGGER_DEFAULTS: dict[str, Any] = {**swagger_ui_default_parameters, "validatorUrl": None}
"""FastAPI's Swagger UI defaults, without the online validator (it calls swagger.io)."""


def _openapi_url(request: Request) -> str:
    return str(request.scope.get("root_path", "")) + str(request.app.openapi_url)


def swagger_config(request: Request) -> dict[str, Any]:
    """What ``swagger-init.js`` passes to ``SwaggerUIBundle`` (plus ``initOAuth``)."""
    app = request.app
    root_path = str(request.scope.get("root_path", ""))
    config: dict[str, Any] = {
        "url": _openapi_url(request),
        **SWAGGER_DEFAULTS,
        **(app.swagger_ui_parameters or {}),
    }
    if app.swagger_ui_oauth2_redirect_url:
        # A path: the script puts the page's origin in front of it.
        config["oauth2RedirectUrl"] = root_path + app.swagger_ui_oauth2_redirect_url
    if app.swagger_ui_init_oauth:
        config["initOAuth"] = app.swagger_ui_init_oauth
    encoded: dict[str, Any] = jsonable_encoder(config)
    return encoded


async def swagger_page(request: Request) -> Response:
    """Swagger UI for the app's OpenAPI document."""
    context = {"title": f"{request.app.title} - Swagger UI", "config": swagger_config(request)}
    return render(request, SWAGGER_TEMPLATE, context)


async def redoc_page(request: Request) -> Response:
    """ReDoc for the app's OpenAPI document."""
    context = {"title": f"{request.app.title} - ReDoc", "openapi_url": _openapi_url(request)}
    return render(request, REDOC_TEMPLATE, context)


async def oauth2_redirect_page(request: Request) -> Response:
    """Where an OAuth2 provider sends Swagger UI's "Authorize" back to."""
    return render(request, OAUTH2_REDIRECT_TEMPLATE, {"title": "Swagger UI: OAuth2 redirect"})


class ApiDocsExtension(Extension):
    """Replaces FastAPI's CDN-loading ``/docs`` and ``/redoc`` with offline, CSP-safe pages."""

    name = "apidocs"

    def setup(self, app: AppBase) -> None:
        if app.openapi_url is None:
            return
        pages = {
            app.docs_url: swagger_page,
            app.redoc_url: redoc_page,
            app.swagger_ui_oauth2_redirect_url if app.docs_url else None: oauth2_redirect_page,
        }
        for path, endpoint in pages.items():
            if path is not None:
                _replace_route(app.router.routes, path, endpoint)


def _replace_route(routes: list[BaseRoute], path: str, endpoint: Any) -> None:
    """Put ``endpoint`` at ``path`` in place of FastAPI's route there (or at the end)."""
    page = Route(path, endpoint, methods=["GET"], include_in_schema=False)
    for index, route in enumerate(routes):
        if isinstance(route, Route) and route.path == path:
            routes[index] = page
            return
    routes.append(page)

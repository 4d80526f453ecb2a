"""Where the cookbook gets its OpenAPI documents and the URLs its examples use.

:func:`api_documents` gives one :class:`ApiSource` per API version when the app has
:class:`~shipyard.api.versioning.VersionedRoute` routes (the documents of
:func:`~shipyard.api.versioning.openapi_for_version`, with the ``Accept`` media type that
asks for the version under header versioning), else the app's single ``app.openapi()``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from starlette.requests import Request

from shipyard.api.versioning import VersionedRoute, openapi_for_version
from shipyard.api.versioning.negotiation import api_settings


@dataclass(frozen=True)
class ApiSource:
    """One OpenAPI document the page can show."""

    version: str
    """The version label (``""`` for an unversioned app)."""
    openapi: Mapping[str, Any]
    accept: str | None = None
    """The ``Accept`` header value that selects this version, if header versioning is used."""


def _uses_versioning(app: FastAPI) -> bool:
    return any(
        isinstance(c.original_route, VersionedRoute) for c in iter_route_contexts(app.routes)
    )


def _versioned_source(app: FastAPI, version: str) -> ApiSource:
    openapi = openapi_for_version(app, version)
    info = openapi.get("info", {}).get("x-api-version", {})
    by_header = info.get("mode") in {"header", "both"}
    return ApiSource(version, openapi, str(info["media_type"]) if by_header else None)


def api_documents(app: FastAPI) -> list[ApiSource]:
    """The documents to show, the default version first."""
    if not _uses_versioning(app):
        return [ApiSource("", app.openapi())]
    api = api_settings({"app": app})
    ordered = [api.default_version, *(v for v in api.versions if v != api.default_version)]
    return [_versioned_source(app, version) for version in ordered]


def _first_server(openapi: Mapping[str, Any]) -> str | None:
    servers = openapi.get("servers")
    if isinstance(servers, list) and servers and isinstance(servers[0], Mapping):
        url = servers[0].get("url")
        return url if isinstance(url, str) and url else None
    return None


def base_url_for(request: Request, openapi: Mapping[str, Any]) -> str:
    """The absolute base URL examples use: the document's first server, else this host."""
    server = _first_server(openapi)
    origin = f"{request.url.scheme}://{request.url.netloc}"
    if server and urlsplit(server).scheme in {"http", "https"}:
        return server.rstrip("/")
    if server and server.startswith("/"):
        return origin + server.rstrip("/")
    return origin + str(request.scope.get("root_path", "")).rstrip("/")


def try_root(request: Request, openapi: Mapping[str, Any]) -> str:
    """The path prefix the try-it form sends to (same origin as the page)."""
    server = _first_server(openapi)
    if server and server.startswith("/"):
        return server.rstrip("/")
    return str(request.scope.get("root_path", "")).rstrip("/")

"""One OpenAPI document per API version, and the extension that serves them.

:func:`openapi_for_version` builds the document of one version from the app's
:class:`~shipyard.api.versioning.routing.VersionedRoute` operations that serve it (plain
routes are left out). Successful JSON responses (and JSON request bodies, besides
``application/json``) are documented under the version's media type, with the problem
answers of each operation (:mod:`shipyard.core.openapi`, 406 for header negotiation);
under ``api.mode = "path"`` the paths carry the ``/v<n>`` prefix; a deprecated version
marks every operation deprecated. ``info["x-api-version"]`` tells tools (the API
cookbook) how to ask for the version. :func:`document_versioned` documents the media types
in FastAPI's ``/openapi.json`` too (every version a route serves).

:class:`ApiVersioning` serves the documents at ``api.openapi_url``
(``/openapi/v{version}.json``) and, at start-up, refuses routes that declare versions
missing from ``api.versions``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.routing import RouteContext, iter_route_contexts
from starlette.requests import Request
from starlette.responses import JSONResponse

from shipyard.api.versioning.headers import http_date
from shipyard.api.versioning.negotiation import api_settings, media_type
from shipyard.api.versioning.routing import VersionedRoute, declared_versions
from shipyard.config.models import ApiSettings
from shipyard.core.openapi import Operation, document_operations
from shipyard.core.problems import NOT_FOUND
from shipyard.errors import ShipyardError
from shipyard.extension import Extension

if TYPE_CHECKING:
    from shipyard.core.app import AppBase

_METHODS = frozenset({"get", "put", "post", "delete", "options", "head", "patch", "trace"})
_JSON = "application/json"


def _versioned_routes(app: FastAPI) -> list[tuple[RouteContext, VersionedRoute]]:
    found = []
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        if isinstance(route, VersionedRoute):
            found.append((context, route))
    return found


def _version_info(api: ApiSettings, version: str) -> dict[str, Any]:
    info: dict[str, Any] = {
        "version": version,
        "media_type": media_type(api.vendor, version),
        "mode": api.mode,
        "default": version == api.default_version,
        "deprecated": version in api.deprecated,
    }
    policy = api.deprecated.get(version)
    if policy is not None:
        info["sunset"] = http_date(policy.sunset) if policy.sunset else None
        info["successor"] = policy.successor
    return info


def document_versioned(operation: Operation) -> None:
    """Media types and the 406 of a versioned operation (an OpenAPI operation hook).

    Successful JSON answers are documented under the media types of the versions the
    document covers (its own, or every version the route serves in ``/openapi.json``): a
    versioned answer never comes as ``application/json``. JSON request bodies are accepted
    under those types too. Header negotiation can refuse a version: 406.
    """
    route = operation.route
    if not isinstance(route, VersionedRoute):
        return
    api = api_settings({"app": operation.app})
    served = [operation.version] if operation.version else list(route.served(api))
    media = [media_type(api.vendor, version) for version in served]
    for status, response in operation.responses.items():
        content = response.get("content")
        if str(status).startswith("2") and isinstance(content, dict) and _JSON in content:
            schema = content.pop(_JSON)
            content.update({name: dict(schema) for name in media})
    body = operation.document.get("requestBody", {}).get("content")
    if isinstance(body, dict) and _JSON in body:
        body.update({name: dict(body[_JSON]) for name in media if name not in body})
    if api.mode != "path":
        operation.add_problem(406, "No version of this operation fits Accept.")


def _versioned_path(api: ApiSettings, version: str, path: str) -> str:
    """``path`` as path mode serves it: ``/v<n>`` inserted after ``api.path_prefix``."""
    prefix = api.path_prefix
    if api.mode != "path" or not path.startswith(f"{prefix}/"):
        return path
    return f"{prefix}/v{version}{path[len(prefix) :]}"


def openapi_for_version(app: FastAPI, version: str) -> dict[str, Any]:
    """The OpenAPI document of ``version``: only the operations that serve it."""
    api = api_settings({"app": app})
    if version not in api.versions:
        raise KeyError(version)
    contexts = [
        context for context, route in _versioned_routes(app) if version in route.served(api)
    ]
    schema = get_openapi(
        title=app.title,
        version=version,
        openapi_version=app.openapi_version,
        summary=app.summary,
        description=app.description,
        routes=contexts,
        tags=app.openapi_tags,
        servers=app.servers,
    )
    schema["info"]["x-api-version"] = _version_info(api, version)
    document_operations(app, schema, contexts, version, hooks=[document_versioned])
    deprecated = version in api.deprecated
    paths: dict[str, Any] = {}
    for path, item in schema.get("paths", {}).items():
        for method, operation in item.items():
            if method in _METHODS and deprecated:
                operation["deprecated"] = True
        paths[_versioned_path(api, version, path)] = item
    schema["paths"] = paths
    return schema


def check_declared_versions(app: FastAPI) -> None:
    """Raise :class:`ShipyardError` if a route declares a version ``api.versions`` lacks."""
    api = api_settings({"app": app})
    for context, route in _versioned_routes(app):
        unknown = [v for v in declared_versions(route.endpoint) or () if v not in api.versions]
        if unknown:
            raise ShipyardError(
                f"route {context.path} ({route.name}) declares API version(s) "
                f"{', '.join(unknown)}, which api.versions {api.versions} does not list",
                hint="add them to [api] versions in config/settings.toml or fix @versions(...)",
            )


class ApiVersioning(Extension):
    """Serves ``api.openapi_url`` per version and checks declared versions at start-up."""

    name = "api-versioning"

    def setup(self, app: AppBase) -> None:
        app.add_openapi_hook(document_versioned)
        url = app.settings.api.openapi_url
        if url is None:
            return

        async def versioned_openapi(request: Request, version: str) -> JSONResponse:
            try:
                return JSONResponse(openapi_for_version(request.app, version))
            except KeyError:
                raise NOT_FOUND.exception(
                    f"No API version {version!r}; known: {', '.join(app.settings.api.versions)}."
                ) from None

        app.add_api_route(url, versioned_openapi, methods=["GET"], include_in_schema=False)

    async def startup(self, app: AppBase) -> None:
        check_declared_versions(app)

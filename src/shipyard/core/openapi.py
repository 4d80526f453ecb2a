"""The error answers and media types an operation can produce, in the OpenAPI documents.

FastAPI documents what an endpoint returns, plus a 422 in its own ``{"detail": ...}``
shape; the framework's other answers (401 from ``current_user``, 403 from a permission
check, 400 from a list query, 429 from the rate limiter, 406 for an unknown API version)
and the problem documents they carry (RFC 9457, ``application/problem+json``) were
missing. :func:`document_operations` adds them, to FastAPI's ``/openapi.json`` (through
:meth:`AppBase.openapi <shipyard.core.app.AppBase.openapi>`) and to each API version's
document:

- a dependency or endpoint names the problems it raises with :func:`declares_problems`
  (found anywhere in the operation's dependency tree);
- extensions add an :data:`OperationHook` with ``app.add_openapi_hook`` for what depends
  on settings or the route's kind (rate limits, versioned media types);
- nothing is added for apps that answer errors in FastAPI's format (``api.error_format =
  "fastapi"``), except by hooks that are not about problems;
- the 422 is documented as the ``validation`` problem when ``api.error_format`` is
  ``"problem"`` (FastAPI's ``HTTPValidationError`` schemas go when nothing uses them);
- an operation whose dependency tree holds a dependency marked
  :func:`requires_authentication` (``current_user``) gets a ``security`` requirement
  listing every scheme of ``app.add_security_scheme`` as alternatives (the token
  extension adds the bearer token and the API key), and the document the
  ``components.securitySchemes`` its operations name, so Swagger UI's "Authorize" and
  the cookbook's credential fields know how to send them.

Problem responses refer to ``#/components/schemas/Problem`` (and ``ValidationProblem``),
added to the document when used.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from fastapi.routing import APIRoute, RouteContext, iter_route_contexts
from starlette.routing import BaseRoute

from shipyard.core.problems import PROBLEM_JSON, status_title

if TYPE_CHECKING:
    from fastapi import FastAPI
    from fastapi.dependencies.models import Dependant

PROBLEMS_ATTRIBUTE = "__shipyard_problems__"
AUTHENTICATION_ATTRIBUTE = "__shipyard_requires_authentication__"
PROBLEM_REF = "#/components/schemas/Problem"
VALIDATION_REF = "#/components/schemas/ValidationProblem"
CallableT = TypeVar("CallableT", bound=Callable[..., Any])

PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "description": "An RFC 9457 problem document; members beyond these depend on `type`.",
    "type": "object",
    "properties": {
        "type": {"type": "string", "description": "URI naming the problem type."},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
    },
    "required": ["type", "title", "status"],
    "additionalProperties": True,
}
VALIDATION_SCHEMA: dict[str, Any] = {
    "title": "ValidationProblem",
    "description": "The `validation` problem: one entry per invalid field.",
    "allOf": [
        {"$ref": PROBLEM_REF},
        {
            "type": "object",
            "properties": {
                "errors": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "loc": {
                                "type": "array",
                                "items": {"anyOf": [{"type": "string"}, {"type": "integer"}]},
                            },
                            "field": {"type": "string"},
                            "msg": {"type": "string"},
                            "type": {"type": "string"},
                            "pointer": {"type": "string"},
                        },
                        "required": ["loc", "msg", "type"],
                    },
                }
            },
            "required": ["errors"],
        },
    ],
}
RESPONSE_HEADERS: dict[int, dict[str, Any]] = {
    401: {
        "WWW-Authenticate": {
            "description": "The authentication scheme to use.",
            "schema": {"type": "string"},
        }
    },
    429: {
        "Retry-After": {
            "description": "Seconds to wait before trying again.",
            "schema": {"type": "integer"},
        }
    },
}


def declares_problems(*statuses: int) -> Callable[[CallableT], CallableT]:
    """Decorator: the problem statuses a dependency or endpoint may answer with."""

    def mark(call: CallableT) -> CallableT:
        setattr(call, PROBLEMS_ATTRIBUTE, (*getattr(call, PROBLEMS_ATTRIBUTE, ()), *statuses))
        return call

    return mark


def requires_authentication(call: CallableT) -> CallableT:
    """Decorator: a dependency that answers 401 unless the caller authenticated."""
    setattr(call, AUTHENTICATION_ATTRIBUTE, True)
    return call


def problem_response(status: int, description: str | None = None) -> dict[str, Any]:
    """The OpenAPI response object of a problem answer with ``status``."""
    ref = VALIDATION_REF if status == 422 else PROBLEM_REF
    response: dict[str, Any] = {
        "description": description or status_title(status),
        "content": {PROBLEM_JSON: {"schema": {"$ref": ref}}},
    }
    if status in RESPONSE_HEADERS:
        response["headers"] = RESPONSE_HEADERS[status]
    return response


@dataclass(frozen=True)
class Operation:
    """One operation of a document being built, and the route behind it."""

    app: FastAPI
    route: BaseRoute
    context: RouteContext
    path: str
    method: str
    document: dict[str, Any]
    version: str | None
    """The API version of the document (None: FastAPI's own ``/openapi.json``)."""
    problems: bool
    """True when errors are problem documents (``api.error_format = "problem"``)."""

    @property
    def responses(self) -> dict[str, Any]:
        """The operation's ``responses`` (created if missing)."""
        responses: dict[str, Any] = self.document.setdefault("responses", {})
        return responses

    def add_problem(self, status: int, description: str | None = None) -> None:
        """Document a problem answer, unless the operation documents ``status`` already.

        Nothing is added when the app answers errors in FastAPI's format.
        """
        if self.problems:
            self.responses.setdefault(str(status), problem_response(status, description))


OperationHook = Callable[[Operation], None]
"""Called for every documented operation; adds responses or media types to it."""


def _dependant_calls(dependant: Dependant | None) -> Iterator[Any]:
    if dependant is None:
        return
    yield dependant.call
    for child in dependant.dependencies:
        yield from _dependant_calls(child)


def declared_problems(context: RouteContext) -> set[int]:
    """The statuses :func:`declares_problems` gave the operation's endpoint and dependencies."""
    statuses: set[int] = set()
    for call in _dependant_calls(getattr(context, "dependant", None)):
        statuses.update(getattr(call, PROBLEMS_ATTRIBUTE, ()))
    return statuses


def needs_authentication(context: RouteContext) -> bool:
    """True when a dependency of the operation is marked :func:`requires_authentication`."""
    return any(
        getattr(call, AUTHENTICATION_ATTRIBUTE, False)
        for call in _dependant_calls(getattr(context, "dependant", None))
    )


def security_schemes(app: FastAPI) -> dict[str, dict[str, Any]]:
    """The app's schemes (``app.add_security_scheme``), by name; empty for other apps."""
    schemes: dict[str, dict[str, Any]] = getattr(app, "openapi_security_schemes", {})
    return schemes


def _operations(
    app: FastAPI, document: dict[str, Any], routes: Sequence[Any], version: str | None
) -> Iterator[Operation]:
    """Each operation of the document once, with the route FastAPI documented it from.

    Two routes with one path and method (versioned handlers) make one operation in a
    document; FastAPI keeps the later route's, so the later route is the one given.
    """
    paths = document.get("paths", {})
    problems = error_format(app) == "problem"
    found: dict[tuple[str, str], Operation] = {}
    for context in iter_route_contexts(routes):
        route = context.original_route
        if not isinstance(route, APIRoute) or not context.include_in_schema:
            continue
        path = str(context.path_format)
        for method in sorted(context.methods or ()):
            operation = paths.get(path, {}).get(method.lower())
            if isinstance(operation, dict):
                found[path, method] = Operation(
                    app, route, context, path, method, operation, version, problems
                )
    return iter(found.values())


def error_format(app: FastAPI) -> str:
    """``api.error_format`` of the app (``"problem"`` for apps without Shipyard settings)."""
    api = getattr(getattr(app, "settings", None), "api", None)
    return str(getattr(api, "error_format", "problem"))


def _declared(operation: Operation) -> None:
    for status in sorted(declared_problems(operation.context)):
        operation.add_problem(status)
    if operation.problems and "422" in operation.responses:
        operation.responses["422"] = problem_response(422)


def _secured(operation: Operation) -> None:
    schemes = security_schemes(operation.app)
    if schemes and "security" not in operation.document and needs_authentication(operation.context):
        operation.document["security"] = [{name: []} for name in schemes]


def document_operations(
    app: FastAPI,
    document: dict[str, Any],
    routes: Sequence[Any],
    version: str | None = None,
    *,
    hooks: Sequence[OperationHook] = (),
) -> dict[str, Any]:
    """Add the problems and media types of every operation of ``routes`` to ``document``.

    Runs the app's hooks (``app.add_openapi_hook``), then any of ``hooks`` not among them.
    """
    own: list[OperationHook] = list(getattr(app, "openapi_hooks", ()))
    every = [_declared, _secured, *own, *(hook for hook in hooks if hook not in own)]
    for operation in _operations(app, document, routes, version):
        for hook in every:
            hook(operation)
    _add_components(document, security_schemes(app))
    return document


def _named_schemes(paths: Any) -> set[str]:
    return {
        str(name)
        for item in paths.values()
        if isinstance(item, dict)
        for operation in item.values()
        if isinstance(operation, dict)
        for requirement in operation.get("security", ())
        if isinstance(requirement, dict)
        for name in requirement
    }


def _add_components(document: dict[str, Any], schemes: dict[str, dict[str, Any]]) -> None:
    """Add the problem schemas and security schemes the document refers to.

    FastAPI's 422 schemas go when nothing uses them.
    """
    components: dict[str, Any] = document.setdefault("components", {})
    named = _named_schemes(document.get("paths", {}))
    if named & set(schemes):
        declared: dict[str, Any] = components.setdefault("securitySchemes", {})
        for name in (name for name in schemes if name in named):
            declared.setdefault(name, schemes[name])
    schemas: dict[str, Any] = components.setdefault("schemas", {})
    text = json.dumps(document.get("paths", {}))
    if VALIDATION_REF in text:
        schemas.setdefault("ValidationProblem", VALIDATION_SCHEMA)
    if PROBLEM_REF in text or VALIDATION_REF in text:
        schemas.setdefault("Problem", PROBLEM_SCHEMA)
    for unused in ("HTTPValidationError", "ValidationError"):
        if f"#/components/schemas/{unused}" not in json.dumps(document):
            schemas.pop(unused, None)
    if not schemas:
        document["components"].pop("schemas")
    if not document["components"]:
        document.pop("components")

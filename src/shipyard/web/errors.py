"""Error pages: HTML for browsers (a fragment for htmx), RFC 9457 JSON for API clients.

:func:`install_error_handlers` registers handlers for ``HTTPException`` (Starlette's and
FastAPI's, and :class:`HTTPProblem`), ``RequestValidationError`` and any unhandled
exception. HTML pages come from ``errors/<status>.html``, falling back to
``errors/default.html``; an app overrides either by name in its own template directory.
For htmx requests only the template's ``error`` block is rendered (no layout).

Unhandled exceptions give a debug page with the traceback only when ``app.debug`` is on
and the profile is ``development``; otherwise a plain 500 that names the request id the
traceback was logged under. A database whose write lock could not be had in time (SQLite's
busy timeout ran out) is load, not a bug: 503 with ``Retry-After``, wherever it was raised.
"""

from __future__ import annotations

import logging
import re
import traceback
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from fastapi import exception_handlers as fastapi_handlers
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from markupsafe import escape
from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from shipyard.core.methods import allowed_methods
from shipyard.core.problems import (
    PROBLEM_JSON,
    HTTPProblem,
    problem_document,
    problem_type_uri,
    request_id,
    status_title,
)
from shipyard.db.busy import RETRY_AFTER, is_lock_timeout
from shipyard.web.htmx.request import htmx
from shipyard.web.lazy_response import LazyHTMLResponse
from shipyard.web.negotiation import wants_html
from shipyard.web.render import render_blocks
from shipyard.web.templates import get_templates
from shipyard.web.viewer import uses_viewer, viewer_pending

if TYPE_CHECKING:
    from fastapi import FastAPI

logger = logging.getLogger("shipyard.web.errors")

_FRAGMENT_BLOCK = "error"
_VALIDATION_SOURCES = {"body", "query", "path", "header", "cookie"}
_SECRET_NAME = re.compile(r"pass|secret|token|key|authorization|cookie", re.IGNORECASE)


def _html(request: Request, status: int, context: dict[str, Any]) -> str:
    """Render the error template; a minimal page if the templates themselves fail."""
    env = get_templates(request.app).env
    try:
        template = env.get_or_select_template([f"errors/{status}.html", "errors/default.html"])
        values = get_templates(request.app).context(request, context)
        if htmx(request).request:
            return render_blocks(template, [_FRAGMENT_BLOCK], values)
        return template.render(values)
    except Exception:
        logger.exception("error page for %s failed to render", status)
        title, detail = escape(context["title"]), escape(context.get("detail") or "")
        return f"<h1>{status} {title}</h1><p>{detail}</p>"


def _html_response(request: Request, status: int, context: dict[str, Any]) -> HTMLResponse:
    """The error page; one that shows ``current_user`` resolves it first, unless the
    server failed (5xx: the database may be why, so nothing more is asked of it)."""
    if status < 500 and viewer_pending(request):
        env = get_templates(request.app).env
        try:
            template = env.get_or_select_template([f"errors/{status}.html", "errors/default.html"])
            blocks = [_FRAGMENT_BLOCK] if htmx(request).request else []
            lazy = uses_viewer(template, blocks)
        except Exception:
            lazy = False  # _html answers the minimal page and logs why
        if lazy:
            return LazyHTMLResponse(
                request, lambda: _html(request, status, context), status_code=status
            )
    return HTMLResponse(_html(request, status, context), status_code=status)


def problem_response(
    request: Request,
    status: int,
    title: str | None = None,
    detail: Any = None,
    *,
    type: str = "about:blank",
    extra: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
    errors: list[dict[str, Any]] | None = None,
) -> Response:
    """An error response in the form the client asked for: HTML page or problem JSON."""
    merged_extra = dict(extra or {})
    if errors is not None:
        merged_extra["errors"] = errors
    type = problem_type_uri(request, status, type)
    document = problem_document(request, status, title, detail, type=type, extra=merged_extra)
    response: Response
    if wants_html(request):
        context = {
            "status": status,
            "title": document["title"],
            "detail": detail if isinstance(detail, str) else None,
            "errors": errors or [],
            "problem": document,
            "request_id": merged_extra.get("request_id"),
        }
        response = _html_response(request, status, context)
    else:
        response = JSONResponse(document, status_code=status, media_type=PROBLEM_JSON)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    response.headers.add_vary_header("Accept")
    response.headers.add_vary_header("HX-Request")
    return response


def _fastapi_bodies(request: Request) -> bool:
    """True when a JSON error goes out as FastAPI's ``{"detail": ...}`` (``api.error_format``)."""
    settings = getattr(request.app, "settings", None)
    api = getattr(settings, "api", None)
    return getattr(api, "error_format", "problem") == "fastapi" and not wants_html(request)


async def http_exception_handler(request: Request, exc: Exception) -> Response:
    """``HTTPException`` (and :class:`HTTPProblem`) to an error page or problem document."""
    if not isinstance(exc, HTTPException):
        raise exc
    if exc.status_code == 405:
        _allow_every_method(request, exc)
    if _fastapi_bodies(request):
        if isinstance(exc, HTTPProblem) and exc.detail is None:
            exc.detail = exc.title
        return await fastapi_handlers.http_exception_handler(request, exc)
    headers = dict(exc.headers or {})
    if exc.status_code < 400 or exc.status_code in {204, 304}:
        return Response(status_code=exc.status_code, headers=headers)
    if isinstance(exc, HTTPProblem):
        return problem_response(
            request,
            exc.status_code,
            exc.title,
            exc.detail,
            type=exc.type,
            extra=exc.extra,
            headers=headers,
        )
    detail: Any = exc.detail
    if detail == status_title(exc.status_code):
        detail = None
    return problem_response(request, exc.status_code, None, detail, headers=headers)


def _allow_every_method(request: Request, exc: HTTPException) -> None:
    """Make a 405's ``Allow`` list every method of the path, not one route's."""
    allowed = allowed_methods(request.scope)
    if allowed is not None:
        headers = {k: v for k, v in (exc.headers or {}).items() if k.lower() != "allow"}
        exc.headers = {**headers, "Allow": ", ".join(allowed)}


def _json_pointer(path: list[str | int]) -> str:
    """RFC 6901 pointer (as a URI fragment) to a body member: ``#/items/0/name``."""
    tokens = (str(part).replace("~", "~0").replace("/", "~1") for part in path)
    return "#/" + "/".join(tokens) if path else "#"


def validation_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    """One entry per invalid field, FastAPI's members and more.

    ``loc``, ``msg``, ``type``, ``input`` and ``ctx`` as FastAPI sends them (``input`` is
    withheld for fields whose name looks secret: passwords, tokens, keys), plus ``field``
    (the dotted path) and, for body fields, ``pointer`` (a JSON pointer, RFC 9457 §3).
    """
    entries: list[dict[str, Any]] = []
    for error in exc.errors():
        loc = [part if isinstance(part, int) else str(part) for part in error.get("loc", ())]
        path = loc[1:] if loc and loc[0] in _VALIDATION_SOURCES else loc
        entry: dict[str, Any] = {
            "loc": loc,
            "field": ".".join(str(part) for part in path),
            "msg": str(error.get("msg", "")),
            "type": str(error.get("type", "")),
        }
        if "input" in error:
            secret = any(_SECRET_NAME.search(str(part)) for part in path)
            entry["input"] = "[redacted]" if secret else jsonable_encoder(error["input"])
        if "ctx" in error:
            entry["ctx"] = jsonable_encoder(error["ctx"], custom_encoder={Exception: str})
        if loc and loc[0] == "body":
            entry["pointer"] = _json_pointer(path)
        entries.append(entry)
    return entries


async def validation_exception_handler(request: Request, exc: Exception) -> Response:
    """``RequestValidationError`` to a 422 listing each invalid field."""
    if not isinstance(exc, RequestValidationError):
        raise exc
    if _fastapi_bodies(request):
        return await fastapi_handlers.request_validation_exception_handler(request, exc)
    errors = validation_errors(exc)
    count = len(errors)
    detail = f"{count} invalid field{'s' if count != 1 else ''}"
    return problem_response(request, 422, None, detail, errors=errors)


def _debug_enabled(request: Request) -> bool:
    settings = getattr(request.app, "settings", None)
    return bool(settings is not None and settings.app.debug and settings.profile == "development")


def _debug_response(request: Request, exc: Exception, ident: str) -> Response:
    lines = traceback.format_exception(exc)
    if not wants_html(request):
        document = problem_document(
            request,
            500,
            detail=f"{type(exc).__name__}: {exc}",
            type=problem_type_uri(request, 500, "about:blank"),
            extra={"request_id": ident, "traceback": lines},
        )
        return JSONResponse(document, status_code=500, media_type=PROBLEM_JSON)
    context = {
        "exception": f"{type(exc).__name__}: {exc}",
        "traceback": "".join(lines),
        "request_id": ident,
        "method": request.method,
        "path": request.url.path,
    }
    try:
        template = get_templates(request.app).env.get_template("errors/debug.html")
        body = template.render(request=request, **context)
    except Exception:
        body = f"<pre>{escape(context['traceback'])}</pre>"
    return HTMLResponse(body, status_code=500)


def database_busy_response(request: Request) -> Response:
    """503 with ``Retry-After``: the database's write lock was not free in time."""
    logger.warning(
        "database busy: the write lock was not free within database.busy_timeout in %s %s",
        request.method,
        request.url.path,
    )
    detail = "The database is busy; please try again in a moment."
    headers = {"Retry-After": str(RETRY_AFTER)}
    if _fastapi_bodies(request):
        return JSONResponse({"detail": detail}, status_code=503, headers=headers)
    return problem_response(
        request, 503, None, detail, extra={"retry_after": RETRY_AFTER}, headers=headers
    )


async def operational_error_handler(request: Request, exc: Exception) -> Response:
    """A lock wait that ran out to a 503; any other database error goes on to the 500 handler."""
    if not is_lock_timeout(exc):
        raise exc
    return database_busy_response(request)


async def unhandled_exception_handler(request: Request, exc: Exception) -> Response:
    """Any other exception: logged with a request id; a 500 page or problem document.

    A lock wait that ran out in a middleware (outside the routes' handlers) is a 503 too.
    """
    if is_lock_timeout(exc):
        return database_busy_response(request)
    ident = request_id(request)
    logger.error(
        "unhandled error in %s %s [request_id=%s]",
        request.method,
        request.url.path,
        ident,
        exc_info=exc,
    )
    if _debug_enabled(request):
        return _debug_response(request, exc, ident)
    if _fastapi_bodies(request):
        return JSONResponse(
            {"detail": "Internal Server Error"}, status_code=500, headers={"X-Request-ID": ident}
        )
    return problem_response(
        request,
        500,
        None,
        "The server hit an unexpected error. It has been logged; please try again.",
        extra={"request_id": ident},
    )


_FASTAPI_DEFAULTS: dict[Any, Any] = {
    HTTPException: fastapi_handlers.http_exception_handler,
    RequestValidationError: fastapi_handlers.request_validation_exception_handler,
}


def install_error_handlers(app: FastAPI) -> None:
    """Register the error handlers on ``app`` in place of FastAPI's JSON-only defaults.

    Handlers the app gave the constructor (``exception_handlers={...}``) are kept: an
    app's own ``HTTPException``/``RequestValidationError`` handler wins, and an
    ``Exception`` or ``500`` handler replaces the framework's error page.
    """
    handlers = app.exception_handlers
    for kind, handler in (
        (HTTPException, http_exception_handler),
        (RequestValidationError, validation_exception_handler),
    ):
        if handlers.get(kind, _FASTAPI_DEFAULTS[kind]) is _FASTAPI_DEFAULTS[kind]:
            app.add_exception_handler(kind, handler)
    if OperationalError not in handlers:
        app.add_exception_handler(OperationalError, operational_error_handler)
    if Exception not in handlers and 500 not in handlers:
        app.add_exception_handler(Exception, unhandled_exception_handler)

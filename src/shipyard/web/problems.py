"""RFC 9457 problem details and the choice between a problem document and an HTML page.

:class:`HTTPProblem` is the exception other subsystems raise for an HTTP error with a
title, detail and extra members; :func:`wants_html` is the content negotiation used by
the error pages (htmx requests and browsers get HTML, everyone else JSON).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import HTTPConnection

from shipyard.web.htmx.request import htmx

PROBLEM_JSON = "application/problem+json"
_HTML_TYPES = {"text/html", "application/xhtml+xml", "text/*"}
_JSON_TYPES = {"application/json", PROBLEM_JSON, "application/*"}
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
STANDARD_MEMBERS = frozenset({"type", "title", "status", "detail", "instance"})


def status_title(status: int) -> str:
    """The standard reason phrase of a status code (``"Error"`` for unknown codes)."""
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


class HTTPProblem(HTTPException):
    """An HTTP error rendered as a problem document (API) or an error page (browser).

    ``extra`` adds members to the problem document (never overriding the standard
    ones); ``headers`` are sent with the response (``Retry-After``, ``Allow``...).
    """

    def __init__(
        self,
        status: int,
        title: str | None = None,
        detail: str | None = None,
        *,
        type: str = "about:blank",
        instance: str | None = None,
        extra: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(status_code=status, detail=detail, headers=headers)
        self.title = title or status_title(status)
        self.type = type
        self.instance = instance
        self.extra = dict(extra or {})


def _quality(part: str) -> tuple[str, float]:
    media, _, params = part.partition(";")
    quality = 1.0
    for param in params.split(";"):
        key, _, value = param.partition("=")
        if key.strip().lower() == "q":
            try:
                quality = min(max(float(value.strip()), 0.0), 1.0)
            except ValueError:
                quality = 0.0
    return media.strip().lower(), quality


def wants_html(connection: HTTPConnection) -> bool:
    """True when the client prefers an HTML page to a problem document.

    htmx requests always get HTML; otherwise ``Accept`` decides, and JSON wins unless
    ``text/html`` is accepted at least as strongly as JSON (so ``*/*``, curl's default,
    and a missing header get JSON).
    """
    if htmx(connection).request:
        return True
    html = json = 0.0
    for part in connection.headers.get("accept", "").split(","):
        media, quality = _quality(part)
        if media in _HTML_TYPES:
            html = max(html, quality)
        elif media in _JSON_TYPES or media.endswith("+json"):
            json = max(json, quality)
    return html > 0 and html >= json


def request_id(connection: HTTPConnection) -> str:
    """The request's id: set by logging middleware, sent by a proxy, or a new one."""
    state = connection.scope.get("state") or {}
    existing = state.get("request_id") if isinstance(state, Mapping) else None
    if isinstance(existing, str) and existing:
        return existing
    sent = connection.headers.get("x-request-id", "")
    return sent if _REQUEST_ID.match(sent) else uuid.uuid4().hex


def problem_document(
    connection: HTTPConnection,
    status: int,
    title: str | None = None,
    detail: Any = None,
    *,
    type: str = "about:blank",
    instance: str | None = None,
    extra: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The problem details object (``type``, ``title``, ``status``, ``detail``, ``instance``)."""
    document: dict[str, Any] = {
        "type": type,
        "title": title or status_title(status),
        "status": status,
        "instance": instance or connection.url.path,
    }
    if detail is not None:
        document["detail"] = detail
    for key, value in (extra or {}).items():
        if key not in STANDARD_MEMBERS:
            document[key] = value
    return document

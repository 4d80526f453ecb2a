"""RFC 9457 problem details: the exception, the document, and the registry of problem types.

:class:`HTTPProblem` is the exception any subsystem raises for an HTTP error with a title,
detail and extra members; :func:`problem_document` builds the JSON body the error
handlers send (:mod:`shipyard.web.errors` renders it, or an HTML page for browsers).

Every error the framework answers has a documented type: ``validation`` (422, with one
entry per invalid field), ``authentication-required`` (401), ``permission-denied``
(403), ``not-found`` (404), ``conflict`` (409), ``rate-limited`` (429), ``server-error``
(500) and a few more. A type is named by a *slug*; its URI is the slug under the
configured base (``api.problem_base_uri``: by default ``/problems/``, where the app
serves a page per type; or the URL of the app's own documentation), resolved when the
response is rendered, so changing the base moves every type.
An error raised without a type (``about:blank``) gets its status's registered type; a
slug is resolved against the base; an absolute URI is kept as it is. Apps declare their
own::

    OUT_OF_STOCK = register_problem_type("out-of-stock", 409, "Out of stock")
    raise OUT_OF_STOCK.exception("Only 3 left.", extra={"available": 3})
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any
from urllib.parse import urljoin

from starlette.exceptions import HTTPException
from starlette.requests import HTTPConnection

PROBLEM_JSON = "application/problem+json"
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


DEFAULT_BASE_URI = "/problems/"
ABOUT_BLANK = "about:blank"
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


@dataclass(frozen=True)
class ProblemType:
    """One documented kind of error: a slug (or absolute ``uri``), its status and title."""

    slug: str
    status: int
    title: str
    description: str = ""
    uri: str | None = None

    def resolve(self, base: str = DEFAULT_BASE_URI) -> str:
        """The absolute type URI: ``uri`` when given, else the slug under ``base``."""
        return self.uri or urljoin(base, self.slug)

    def exception(
        self,
        detail: str | None = None,
        *,
        title: str | None = None,
        extra: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> HTTPProblem:
        """An :class:`HTTPProblem` of this type, ready to ``raise``."""
        return HTTPProblem(
            self.status,
            title or self.title,
            detail,
            type=self.uri or self.slug,
            extra=extra,
            headers=headers,
        )


class ProblemRegistry:
    """The known problem types, by slug, and the default type of each status."""

    def __init__(self) -> None:
        self._types: dict[str, ProblemType] = {}
        self._by_status: dict[int, ProblemType] = {}

    def register(
        self,
        slug: str,
        status: int,
        title: str | None = None,
        *,
        description: str = "",
        uri: str | None = None,
        status_default: bool = False,
    ) -> ProblemType:
        """Declare a type; ``status_default=True`` makes it the type of untyped errors.

        Registering the same declaration twice is harmless (modules get re-imported);
        a different declaration under a taken slug is a ``ValueError``.
        """
        if not _SLUG.match(slug):
            raise ValueError(
                f"problem type slug {slug!r}: use lowercase letters, digits and '-' "
                "(e.g. 'out-of-stock')"
            )
        if not 400 <= status <= 599:
            raise ValueError(f"problem type {slug!r}: status {status} is not an error status")
        if uri is not None and not _SCHEME.match(uri):
            raise ValueError(f"problem type {slug!r}: uri {uri!r} must be absolute")
        problem = ProblemType(slug, status, title or status_title(status), description, uri)
        existing = self._types.get(slug)
        if existing is not None and existing != problem:
            raise ValueError(f"problem type {slug!r} is already registered as {existing}")
        self._types[slug] = problem
        if status_default:
            self._by_status[status] = problem
        return problem

    def get(self, slug: str) -> ProblemType:
        """The type registered under ``slug``; ``KeyError`` if there is none."""
        return self._types[slug]

    def for_status(self, status: int) -> ProblemType | None:
        """The default type of ``status``, if one is registered."""
        return self._by_status.get(status)

    def __iter__(self) -> Iterator[ProblemType]:
        return iter(list(self._types.values()))

    def resolve(self, type_ref: str, status: int, base: str = DEFAULT_BASE_URI) -> str:
        """The URI to send for an error raised with ``type_ref`` and ``status``."""
        if type_ref == ABOUT_BLANK:
            default = self._by_status.get(status)
            return default.resolve(base) if default is not None else ABOUT_BLANK
        if _SCHEME.match(type_ref):
            return type_ref
        known = self._types.get(type_ref)
        return known.resolve(base) if known is not None else urljoin(base, type_ref)


problem_types = ProblemRegistry()
"""The process-wide registry the error handlers resolve types with."""

register_problem_type = problem_types.register

BAD_REQUEST = register_problem_type(
    "bad-request", 400, description="The request is malformed.", status_default=True
)
AUTHENTICATION_REQUIRED = register_problem_type(
    "authentication-required",
    401,
    description="No valid credentials were sent; see WWW-Authenticate.",
    status_default=True,
)
PERMISSION_DENIED = register_problem_type(
    "permission-denied",
    403,
    description="The caller is known but may not do this; `required` lists what is missing.",
    status_default=True,
)
NOT_FOUND = register_problem_type(
    "not-found", 404, description="No such resource or route.", status_default=True
)
METHOD_NOT_ALLOWED = register_problem_type(
    "method-not-allowed", 405, description="See the Allow header.", status_default=True
)
NOT_ACCEPTABLE = register_problem_type(
    "not-acceptable", 406, description="No representation fits Accept.", status_default=True
)
UNSUPPORTED_VERSION = register_problem_type(
    "unsupported-version",
    406,
    "Unsupported API version",
    description="The requested API version is unknown or not served by this operation; "
    "`supported` lists the versions that are.",
)
CONFLICT = register_problem_type(
    "conflict",
    409,
    description="The request conflicts with the resource's state.",
    status_default=True,
)
PAYLOAD_TOO_LARGE = register_problem_type(
    "payload-too-large", 413, description="The body is over the size limit.", status_default=True
)
UNSUPPORTED_MEDIA_TYPE = register_problem_type(
    "unsupported-media-type",
    415,
    description="The body's Content-Type is not accepted.",
    status_default=True,
)
VALIDATION = register_problem_type(
    "validation",
    422,
    description="Some input is invalid; `errors` has one entry per field with FastAPI's "
    "`loc`, `msg`, `type`, `input` and `ctx`, plus `field` and a JSON `pointer` for body "
    "fields.",
    status_default=True,
)
RATE_LIMITED = register_problem_type(
    "rate-limited",
    429,
    description="Too many requests; `retry_after` (and the Retry-After header) says when "
    "to try again.",
    status_default=True,
)
SERVER_ERROR = register_problem_type(
    "server-error",
    500,
    description="An unexpected error, logged under `request_id`.",
    status_default=True,
)
SERVICE_UNAVAILABLE = register_problem_type(
    "service-unavailable", 503, description="Try again later.", status_default=True
)


def problem_base_uri(connection: HTTPConnection) -> str:
    """The app's ``api.problem_base_uri`` (the default for apps without Shipyard settings)."""
    settings = getattr(connection.app, "settings", None)
    api = getattr(settings, "api", None)
    base = getattr(api, "problem_base_uri", None)
    return base if isinstance(base, str) else DEFAULT_BASE_URI


def problem_type_uri(connection: HTTPConnection, status: int, type_ref: str) -> str:
    """The ``type`` member to send: registered default, resolved slug, or as given."""
    return problem_types.resolve(type_ref, status, problem_base_uri(connection))

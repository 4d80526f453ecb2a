"""The pure-ASGI CSRF check for unsafe requests (POST, PUT, PATCH, DELETE).

A request that carries no cookie at all has no ambient authority: it is let through unless
a browser says it is cross-site (``Origin`` from another site, ``Sec-Fetch-Site:
cross-site``), which also keeps login forms safe from login CSRF. A request with cookies
is checked when it carries the session cookie or is a form post (urlencoded, multipart or
text/plain). It is let through unchecked when it carries ``Authorization: Bearer`` and no
session cookie, when its path is in
``csrf.exempt_paths`` or its endpoint is marked :func:`~shipyard.security.csrf.csrf_exempt`
(compiled once from the routes: :mod:`shipyard.security.csrf_exemptions`).
Otherwise it must come from this site (``Origin`` that of ``app.base_url``, of this
request's host when an allowed-host pattern names it, or listed in
``csrf.trusted_origins``: :mod:`shipyard.security.origins`; no ``Sec-Fetch-Site:
cross-site``) and carry a token of this
session, in the ``X-CSRF-Token`` header or the ``csrf_token`` form field. The form body is
read only until the field is found, then replayed unchanged to the app.

Failures are 403 (413 when the form is too large to find the token) through the web error
pages: an explaining HTML page, an htmx fragment, or problem JSON for API clients.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.datastructures import Headers
from starlette.requests import Request, cookie_parser
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shipyard.config.derived import PerSettings
from shipyard.security.csrf import csrf_secret, token_matches
from shipyard.security.csrf_exemptions import ExemptionTable
from shipyard.security.formtoken import FieldSearch, is_form
from shipyard.security.origins import SiteOrigins
from shipyard.sessions.session import get_session
from shipyard.web.errors import problem_response
from shipyard.web.route_walk import route_path

if TYPE_CHECKING:
    from collections.abc import Sequence

    from shipyard.config.models import Settings

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class CsrfRejected(Exception):
    """Why a request failed the CSRF check (status, title, explanation)."""

    def __init__(self, status: int, title: str, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.title = title
        self.detail = detail


def _path_exempt(path: str, patterns: Sequence[str]) -> bool:
    return any(
        path.startswith(pattern[:-1]) if pattern.endswith("*") else path == pattern
        for pattern in patterns
    )


def check_origin(scope: Scope, headers: Headers, site: SiteOrigins) -> None:
    """Refuse a request that says it comes from another site."""
    origin = headers.get("origin")
    trusted = origin is not None and site.trusts(origin, scope, headers)
    if origin is not None and not trusted:
        raise CsrfRejected(
            403,
            "Cross-site request refused",
            f"This form was sent from {origin}, not from this site "
            f"({site.own(scope, headers)}). If that origin is yours, add it to "
            "csrf.trusted_origins.",
        )
    if headers.get("sec-fetch-site") == "cross-site" and not trusted:
        raise CsrfRejected(
            403,
            "Cross-site request refused",
            "The browser reports that this request was made by another site "
            "(Sec-Fetch-Site: cross-site).",
        )


async def read_form_token(
    receive: Receive, content_type: bytes, field: str, limit: int
) -> tuple[str | None, Receive]:
    """The form field ``field`` read from the body, and a receive that replays the body."""
    search = FieldSearch(content_type, field)
    buffered: list[Message] = []
    size = 0
    more = True
    while more and not search.done:
        message = await receive()
        buffered.append(message)
        if message["type"] != "http.request":
            break
        chunk: bytes = message.get("body", b"")
        more = bool(message.get("more_body", False))
        size += len(chunk)
        search.feed(chunk)
        if size > limit and not search.done:
            raise CsrfRejected(
                413,
                "Form too large",
                f"The CSRF token was not within the first {limit} bytes of this form. "
                "Put the csrf_token field first, send the X-CSRF-Token header, or raise "
                "csrf.max_body_size.",
            )
        if not more:
            search.finish()

    async def replay() -> Message:
        return buffered.pop(0) if buffered else await receive()

    return search.value, replay


class CsrfMiddleware:
    """Pure ASGI: refuses unsafe cookie-authenticated requests without a valid token."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.exemptions = ExemptionTable()
        self.origins = PerSettings(SiteOrigins.from_settings)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in UNSAFE_METHODS:
            await self.app(scope, receive, send)
            return
        settings: Settings = scope["app"].settings
        try:
            receive = await self.check(scope, receive, settings)
        except CsrfRejected as rejected:
            request = Request(scope, receive)
            response = problem_response(request, rejected.status, rejected.title, rejected.detail)
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)

    async def check(self, scope: Scope, receive: Receive, settings: Settings) -> Receive:
        """Raise :class:`CsrfRejected` unless the request may go on; the receive to use."""
        options = settings.csrf
        if not options.enabled:
            return receive
        headers = Headers(scope=scope)
        content_type = headers.get("content-type", "").encode("latin-1")
        form = is_form(content_type) or content_type.startswith(b"text/plain")
        cookies = cookie_parser(headers.get("cookie", ""))
        if not cookies:
            # No cookie, no ambient authority: scripts, mobile apps and other services are
            # let through; a browser that says the request is cross-site is refused.
            check_origin(scope, headers, self.origins(settings))
            return receive
        cookie = settings.sessions.cookie_name in cookies
        bearer = headers.get("authorization", "").lower().startswith("bearer ")
        if not (cookie or form) or (bearer and not cookie):
            return receive
        if _path_exempt(scope["path"], options.exempt_paths):
            return receive
        if self.exemptions.covers(scope["app"].router.routes, scope["method"], route_path(scope)):
            return receive
        check_origin(scope, headers, self.origins(settings))
        token = headers.get(options.header_name)
        if token is None and is_form(content_type):
            token, receive = await read_form_token(
                receive, content_type, options.field_name, options.max_body_size
            )
        if not token:
            raise CsrfRejected(
                403,
                "CSRF token missing",
                "This request changes data but carries no CSRF token. Forms need "
                f"{{{{ csrf_field() }}}}; scripts send the {options.header_name} header.",
            )
        session_id = get_session(Request(scope)).current_id
        secret_key = settings.app.secret_key.get_secret_value()
        if session_id is None or not token_matches(token, csrf_secret(secret_key, session_id)):
            raise CsrfRejected(
                403,
                "CSRF token invalid",
                "The CSRF token does not belong to your current session, perhaps because "
                "the page is old or you signed in since. Reload the page and try again.",
            )
        return receive

"""``Cache-Control`` and ``Vary`` for responses that depend on who is asking.

A page that shows a session's state (the signed-in user's email, a CSRF token, flashed
messages, job payloads) must not be kept by a browser's disk cache or a shared cache, nor
served to another visitor. The session middleware applies, when the response starts:

- the session was used (read, written, its id taken for a CSRF token; a page router
  loading it in advance is not a use) by a request that has a session or got one:
  ``Cache-Control: <sessions.private_cache_control>`` (``no-store`` by default) and
  ``Vary: Cookie``;
- the session was used by a request without a session cookie that got none (an anonymous
  visitor's page that only looked): ``Vary: Cookie`` only; that answer is the same for
  every anonymous visitor and stays cacheable, but never for a visitor with a cookie;
- credentials were resolved from a request header (:func:`mark_private`: a bearer token,
  an API key): the ``Cache-Control`` and ``Vary: <that header>``.

A response that sets its own ``Cache-Control`` keeps it (``Vary`` is still added).
Responses that never touched the session or credentials get nothing: they stay as
cacheable as the app makes them. ``sessions.private_cache_control = null`` turns this off.
"""

from __future__ import annotations

from collections.abc import Iterable

from starlette.datastructures import MutableHeaders
from starlette.types import Message, Scope

PRIVATE_KEY = "shipyard.private"
"""Scope key: the request headers (besides the cookie) the response was personalised by."""


def mark_private(scope: Scope, header: str) -> None:
    """Note that the response depends on request header ``header`` (``Authorization``...).

    It then gets the private ``Cache-Control`` and ``Vary: <header>``.
    """
    headers: list[str] = scope.setdefault(PRIVATE_KEY, [])
    if header not in headers:
        headers.append(header)


def private_headers(scope: Scope) -> list[str]:
    """The request headers :func:`mark_private` noted for this request."""
    headers: list[str] = scope.get(PRIVATE_KEY) or []
    return headers


def mark_response(message: Message, cache_control: str | None, vary: Iterable[str]) -> None:
    """Add ``Cache-Control`` (unless present; None adds none) and ``Vary`` to a response start."""
    headers = MutableHeaders(scope=message)
    if cache_control is not None and "cache-control" not in headers:
        headers["Cache-Control"] = cache_control
    existing = [token.strip() for value in headers.getlist("vary") for token in value.split(",")]
    present = {token.lower() for token in existing if token}
    if "*" in present:
        return
    missing = [name for name in vary if name.lower() not in present]
    if missing:
        headers["Vary"] = ", ".join([*(token for token in existing if token), *missing])

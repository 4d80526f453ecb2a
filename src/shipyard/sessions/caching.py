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
    """Add ``Cache-Control`` (unless present; None adds none) and ``Vary`` to a response start.

    Works on the raw header list in one pass (every page with a session comes here).
    """
    headers: list[tuple[bytes, bytes]] = list(message.get("headers") or ())
    has_cache_control = False
    vary_at: list[int] = []
    existing: list[str] = []
    for index, (name, value) in enumerate(headers):
        lowered = name.lower()
        if lowered == b"cache-control":
            has_cache_control = True
        elif lowered == b"vary":
            vary_at.append(index)
            existing += (token.strip() for token in value.decode("latin-1").split(","))
    if cache_control is not None and not has_cache_control:
        headers.append((b"cache-control", cache_control.encode("latin-1")))
    existing = [token for token in existing if token]
    present = {token.lower() for token in existing}
    missing = [] if "*" in present else [name for name in vary if name.lower() not in present]
    if missing:
        joined = (b"vary", ", ".join([*existing, *missing]).encode("latin-1"))
        if vary_at:  # one Vary header, where the first one was
            headers[vary_at[0]] = joined
            headers = [header for index, header in enumerate(headers) if index not in vary_at[1:]]
        else:
            headers.append(joined)
    message["headers"] = headers

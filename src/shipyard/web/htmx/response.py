"""The response side of htmx: one helper per ``HX-*`` response header, plus 286.

Each helper sets its header on a Starlette/FastAPI ``Response`` and returns it, so they
compose with :func:`shipyard.web.render`::

    response = render(request, "posts/index.html", ctx, block="rows")
    trigger(response, "post-saved", {"id": post.id})
    push_url(response, f"/posts/{post.id}")

Values are written exactly as htmx 2 parses them: JSON objects for ``HX-Location`` with
options and for events with payloads (ASCII-only, so any text survives as a header),
``true``/``false`` literals, URLs percent-encoded to ASCII. Control characters are refused
(``ValueError``) so a value can never split a header.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any, Literal
from urllib.parse import quote

from starlette.requests import HTTPConnection
from starlette.responses import RedirectResponse, Response

from shipyard.web.htmx.request import htmx

SWAP_STYLES = frozenset(
    {
        "innerHTML",
        "outerHTML",
        "textContent",
        "beforebegin",
        "afterbegin",
        "beforeend",
        "afterend",
        "delete",
        "none",
    }
)
"""The swap strategies htmx 2 understands (``hx-swap``, ``HX-Reswap``, ``hx-swap-oob``)."""

STOP_POLLING = 286
"""The status code that makes htmx stop an ``every Ns`` polling trigger."""

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_URL_SAFE = "/:?#[]@!$&'()*+,;=%~"
_TRIGGER_HEADERS = {
    "receive": "HX-Trigger",
    "swap": "HX-Trigger-After-Swap",
    "settle": "HX-Trigger-After-Settle",
}


def _plain(value: str, what: str) -> str:
    if not value or _CONTROL.search(value):
        raise ValueError(f"{what} must be non-empty text without control characters: {value!r}")
    return value


def _url(value: str, what: str) -> str:
    return quote(_plain(value, what), safe=_URL_SAFE)


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=True, separators=(",", ":"))


def _check_swap(value: str) -> str:
    style = _plain(value, "swap").split(None, 1)[0]
    if style not in SWAP_STYLES:
        raise ValueError(f"unknown htmx swap style {style!r}; use one of {sorted(SWAP_STYLES)}")
    return value


def location(
    response: Response,
    path: str,
    *,
    target: str | None = None,
    swap: str | None = None,
    select: str | None = None,
    values: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
    event: str | None = None,
    source: str | None = None,
    handler: str | None = None,
    push: str | bool | None = None,
    replace: str | bool | None = None,
) -> Response:
    """``HX-Location``: a client-side navigation without a full reload.

    With only ``path`` the header is the URL; with any option it is the JSON object
    htmx expects (``{"path": ..., "target": ..., ...}``).
    """
    options: dict[str, Any] = {
        "target": target,
        "swap": _check_swap(swap) if swap is not None else None,
        "select": select,
        "values": dict(values) if values is not None else None,
        "headers": dict(headers) if headers is not None else None,
        "event": event,
        "source": source,
        "handler": handler,
        "push": push if isinstance(push, str) or push is None else str(push).lower(),
        "replace": replace if isinstance(replace, str) or replace is None else str(replace).lower(),
    }
    chosen = {key: value for key, value in options.items() if value is not None}
    if not chosen:
        response.headers["HX-Location"] = _url(path, "HX-Location path")
    else:
        response.headers["HX-Location"] = _json({"path": _plain(path, "path"), **chosen})
    return response


def push_url(response: Response, url: str | Literal[False]) -> Response:
    """``HX-Push-Url``: push ``url`` onto the browser history (``False`` prevents a push)."""
    response.headers["HX-Push-Url"] = "false" if url is False else _url(url, "HX-Push-Url")
    return response


def replace_url(response: Response, url: str | Literal[False]) -> Response:
    """``HX-Replace-Url``: replace the current history entry (``False`` prevents it)."""
    response.headers["HX-Replace-Url"] = "false" if url is False else _url(url, "HX-Replace-Url")
    return response


def redirect(response: Response, url: str) -> Response:
    """``HX-Redirect``: a full client-side redirect to ``url``."""
    response.headers["HX-Redirect"] = _url(url, "HX-Redirect")
    return response


def refresh(response: Response) -> Response:
    """``HX-Refresh: true``: the browser reloads the whole page."""
    response.headers["HX-Refresh"] = "true"
    return response


def reswap(response: Response, swap: str) -> Response:
    """``HX-Reswap``: override ``hx-swap`` (a style plus optional modifiers)."""
    response.headers["HX-Reswap"] = _check_swap(swap)
    return response


def retarget(response: Response, selector: str) -> Response:
    """``HX-Retarget``: swap into the element matching this CSS selector instead."""
    response.headers["HX-Retarget"] = _plain(selector, "HX-Retarget selector")
    return response


def reselect(response: Response, selector: str) -> Response:
    """``HX-Reselect``: take this part of the response instead of ``hx-select``."""
    response.headers["HX-Reselect"] = _plain(selector, "HX-Reselect selector")
    return response


def _parse_triggers(header: str) -> dict[str, Any]:
    if header.startswith("{"):
        parsed = json.loads(header)
        return dict(parsed) if isinstance(parsed, dict) else {}
    return {name.strip(): None for name in header.split(",") if name.strip()}


def trigger(
    response: Response,
    event: str,
    detail: Any = None,
    *,
    after: Literal["receive", "swap", "settle"] = "receive",
) -> Response:
    """Trigger client event ``event`` (``HX-Trigger`` / ``-After-Swap`` / ``-After-Settle``).

    Calling it again adds events to the same header (a later call for the same event
    replaces its detail). Without details the header is ``a, b``; once any event carries
    a detail it is the JSON object ``{"a": null, "b": {...}}``.
    """
    name = _plain(event, "event name")
    if "," in name or name != name.strip():
        raise ValueError(f"event name must not contain commas or surrounding spaces: {event!r}")
    header = _TRIGGER_HEADERS[after]
    events = _parse_triggers(response.headers.get(header, ""))
    events[name] = detail
    if all(value is None for value in events.values()):
        response.headers[header] = ", ".join(events)
    else:
        response.headers[header] = _json(events)
    return response


def stop_polling(response: Response | None = None) -> Response:
    """Answer with status 286 so htmx stops polling (an empty response if none is given)."""
    if response is None:
        return Response(status_code=STOP_POLLING)
    response.status_code = STOP_POLLING
    return response


def htmx_redirect(request: HTTPConnection, url: str) -> Response:
    """Redirect in the way that works for the client.

    htmx requests get ``200`` with ``HX-Redirect`` (a 3xx would be followed by the
    browser and the target page swapped into a fragment); others get ``303 See Other``.
    """
    if htmx(request).request:
        return redirect(Response(status_code=200), url)
    return RedirectResponse(_url(url, "redirect URL"), status_code=303)

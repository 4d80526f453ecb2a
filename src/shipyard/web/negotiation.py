"""Content negotiation for error responses: an HTML page or a problem document.

htmx requests and browsers get HTML; API clients (``Accept: application/json``, curl's
``*/*``, no header at all) get RFC 9457 JSON (:mod:`shipyard.core.problems`).
"""

from __future__ import annotations

from starlette.requests import HTTPConnection

from shipyard.core.problems import PROBLEM_JSON
from shipyard.web.htmx.request import htmx

_HTML_TYPES = {"text/html", "application/xhtml+xml", "text/*"}
_JSON_TYPES = {"application/json", PROBLEM_JSON, "application/*"}


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

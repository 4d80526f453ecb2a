"""The request an example shows: method, URL, query, headers and body, as plain data.

:class:`RequestExample` is what :mod:`shipyard.api.cookbook.snippets` turns into curl,
httpx and fetch code; :func:`as_text` gives the text form of an example value in a URL or
a header. Nothing here knows OpenAPI (see :mod:`shipyard.api.cookbook.operations`).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import quote, urlencode

BodyKind = Literal["json", "form", "multipart", "text"]


def body_kind(media_type: str) -> BodyKind:
    """How a body of this media type is written in snippets."""
    base = media_type.split(";", 1)[0].strip().lower()
    if base == "application/json" or base.endswith("+json"):
        return "json"
    if base == "application/x-www-form-urlencoded":
        return "form"
    if base == "multipart/form-data":
        return "multipart"
    return "text"


def as_text(value: Any) -> str:
    """An example value as it is written in a query string, path or header."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(value, ensure_ascii=False)


def header_safe(value: str) -> str:
    """``value`` without the control characters an HTTP header cannot carry."""
    return "".join(
        " " if char in "\r\n" or (ord(char) < 32 and char != "\t") else char for char in value
    )


@dataclass(frozen=True)
class Body:
    """A request body: its media type and the example value.

    ``json`` bodies hold any JSON value; ``form``/``multipart`` bodies a flat mapping
    (``files`` names the multipart fields that are file uploads); ``text`` a string.
    """

    media_type: str
    value: Any
    files: tuple[str, ...] = ()

    @property
    def kind(self) -> BodyKind:
        """``json``, ``form``, ``multipart`` or ``text``."""
        return body_kind(self.media_type)

    def fields(self) -> list[tuple[str, str]]:
        """The form fields as text (lists give one entry per item), files excluded."""
        entries: list[tuple[str, str]] = []
        if not isinstance(self.value, dict):
            return entries
        for name, value in self.value.items():
            if name in self.files:
                continue
            for item in value if isinstance(value, list) else [value]:
                entries.append((str(name), as_text(item)))
        return entries


@dataclass(frozen=True)
class RequestExample:
    """One concrete HTTP request: the input of every snippet generator."""

    method: str
    url: str
    """Scheme, host and path (path parameters filled and percent-encoded), no query."""
    query: tuple[tuple[str, str], ...] = ()
    headers: tuple[tuple[str, str], ...] = ()
    body: Body | None = None

    @property
    def full_url(self) -> str:
        """The URL with the query string (values percent-encoded)."""
        if not self.query:
            return self.url
        return f"{self.url}?{urlencode(self.query, quote_via=quote)}"

    def all_headers(self) -> list[tuple[str, str]]:
        """The headers to send, with ``Content-Type`` for JSON, form and text bodies.

        Multipart bodies get theirs (with the boundary) from the HTTP client.
        """
        headers = [(name, header_safe(value)) for name, value in self.headers]
        present = {name.lower() for name, _ in headers}
        if (
            self.body is not None
            and self.body.kind != "multipart"
            and "content-type" not in present
        ):
            headers.append(("Content-Type", self.body.media_type))
        return headers

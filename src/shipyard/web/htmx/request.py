"""The request side of htmx: every ``HX-*`` request header, parsed tolerantly.

``Htmx`` is a FastAPI dependency::

    @router.get("/posts")
    async def posts(request: Request, hx: Htmx) -> HTMLResponse:
        if hx.wants_fragment: ...

Malformed values never raise: a flag that is not exactly ``true`` (any case, spaces
ignored) is false, and text that cannot be decoded is kept as received.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal
from urllib.parse import unquote

from fastapi import Depends
from starlette.datastructures import Headers
from starlette.requests import HTTPConnection

RequestType = Literal["partial", "full"]


def _flag(headers: Headers, name: str) -> bool:
    return headers.get(name, "").strip().lower() == "true"


def _text(headers: Headers, name: str) -> str | None:
    """A string header; URI-decoded when htmx marked it ``<name>-URI-AutoEncoded``.

    htmx URI-encodes a value the browser refuses to send raw (non-Latin-1 text) and
    adds the companion header. Raw UTF-8 bytes sent anyway arrive as Latin-1 mojibake
    in ASGI; they are re-decoded as UTF-8 when that succeeds.
    """
    value = headers.get(name)
    if value is None:
        return None
    if _flag(headers, f"{name}-URI-AutoEncoded"):
        return unquote(value, errors="replace")
    try:
        return value.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return value


@dataclass(frozen=True, slots=True)
class HtmxDetails:
    """What htmx told the server about this request (all fields None/False if not htmx)."""

    request: bool = False
    boosted: bool = False
    current_url: str | None = None
    history_restore_request: bool = False
    prompt: str | None = None
    target: str | None = None
    trigger: str | None = None
    trigger_name: str | None = None
    request_type: RequestType | None = None

    @classmethod
    def from_headers(cls, headers: Headers) -> HtmxDetails:
        """Parse the ``HX-*`` headers of a request; never raises."""
        raw_type = headers.get("HX-Request-Type", "").strip().lower()
        request_type: RequestType | None = None
        if raw_type == "partial":
            request_type = "partial"
        elif raw_type == "full":
            request_type = "full"
        return cls(
            request=_flag(headers, "HX-Request"),
            boosted=_flag(headers, "HX-Boosted"),
            current_url=_text(headers, "HX-Current-URL"),
            history_restore_request=_flag(headers, "HX-History-Restore-Request"),
            prompt=_text(headers, "HX-Prompt"),
            target=_text(headers, "HX-Target"),
            trigger=_text(headers, "HX-Trigger"),
            trigger_name=_text(headers, "HX-Trigger-Name"),
            request_type=request_type,
        )

    def __bool__(self) -> bool:
        return self.request

    @property
    def wants_fragment(self) -> bool:
        """True for an htmx swap of part of the page: not boosted, not a history restore.

        Boosted navigation, history restores (the back button after a cache miss) and
        htmx 4's ``HX-Request-Type: full`` all need the whole page.
        """
        return (
            self.request
            and not self.boosted
            and not self.history_restore_request
            and self.request_type != "full"
        )


_STATE_KEY = "shipyard.htmx"


def htmx(connection: HTTPConnection) -> HtmxDetails:
    """FastAPI dependency (and plain function): the request's htmx details, parsed once."""
    cached = connection.scope.get(_STATE_KEY)
    if isinstance(cached, HtmxDetails):
        return cached
    details = HtmxDetails.from_headers(connection.headers)
    connection.scope[_STATE_KEY] = details
    return details


Htmx = Annotated[HtmxDetails, Depends(htmx)]
"""Annotate a handler parameter with ``Htmx`` to receive the parsed htmx headers."""

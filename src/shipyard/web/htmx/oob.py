"""Out-of-band swaps: update several page regions from one htmx response.

``oob("count", "<b>3</b>")`` returns markup htmx swaps into ``#count`` whatever the main
target is; any htmx swap style works (``swap="beforeend"`` appends to a list).
``with_oob(response, ...)`` appends such pieces to a rendered response.

Target ids are validated (HTML ids are non-empty and contain no whitespace) and
escaped twice over: as an HTML attribute value and as a CSS selector (the same escaping
as the browser's ``CSS.escape``), so a hostile id can neither break out of the tag nor
select something else.
"""

from __future__ import annotations

import re

from markupsafe import Markup, escape
from starlette.responses import Response

from shipyard.web.htmx.response import SWAP_STYLES
from shipyard.web.lazy_response import LazyHTMLResponse

_INVALID_ID = re.compile(r"[\s\x00-\x1f\x7f]")
_TABLE_TAGS = frozenset({"tr", "td", "th", "thead", "tbody", "tfoot", "caption", "col", "colgroup"})
_TAG = re.compile(r"[a-z][a-z0-9-]*")


def css_escape(ident: str) -> str:
    """Escape ``ident`` for use in a CSS selector, as the CSSOM ``CSS.escape()`` does."""
    out: list[str] = []
    for index, char in enumerate(ident):
        code = ord(char)
        if code == 0:
            out.append("\ufffd")
        elif (
            0x01 <= code <= 0x1F
            or code == 0x7F
            or (index == 0 and char.isdigit() and char.isascii())
            or (index == 1 and char.isdigit() and char.isascii() and ident[0] == "-")
        ):
            out.append(f"\\{code:x} ")
        elif index == 0 and char == "-" and len(ident) == 1:
            out.append("\\-")
        elif code >= 0x80 or char in "-_" or (char.isascii() and char.isalnum()):
            out.append(char)
        else:
            out.append("\\" + char)
    return "".join(out)


def _check_id(target: str) -> str:
    if not target or _INVALID_ID.search(target):
        raise ValueError(f"out-of-band target must be an element id without spaces: {target!r}")
    return target


def oob_attrs(target: str, swap: str = "outerHTML") -> Markup:
    """The attributes that make an element an out-of-band swap into ``#target``.

    For ``outerHTML`` the element replaces the target, so it carries the target's id;
    for other styles its content goes into the target selected by id.
    """
    if swap not in SWAP_STYLES:
        raise ValueError(f"unknown htmx swap style {swap!r}; use one of {sorted(SWAP_STYLES)}")
    ident = _check_id(target)
    if swap == "outerHTML":
        return Markup('id="{}" hx-swap-oob="outerHTML"').format(ident)
    return Markup('hx-swap-oob="{}"').format(f"{swap}:#{css_escape(ident)}")


def oob(target: str, content: str = "", swap: str = "outerHTML", *, tag: str = "div") -> Markup:
    """An element that htmx swaps into ``#target`` out of band.

    ``content`` is escaped unless it is ``Markup`` (a rendered template or block is).
    Table parts (``tag="tr"``, ``"tbody"``...) are wrapped in ``<template>`` so the HTML
    parser keeps them.
    """
    if not _TAG.fullmatch(tag):
        raise ValueError(f"invalid tag name for an out-of-band element: {tag!r}")
    element = Markup("<{tag} {attrs}>{content}</{tag}>").format(
        tag=Markup(tag),  # noqa: S704  # nosec B704
        attrs=oob_attrs(target, swap),
        content=escape(content),
    )
    if tag in _TABLE_TAGS:
        return Markup("<template>{}</template>").format(element)
    return element


def with_oob(response: Response, *pieces: str) -> Response:
    """Append out-of-band pieces (from :func:`oob` or rendered blocks) to a response body."""
    extra = "".join(str(escape(piece)) for piece in pieces).encode(response.charset)
    if isinstance(response, LazyHTMLResponse):
        response.append(extra)
        return response
    response.body = bytes(response.body) + extra
    response.headers["content-length"] = str(len(response.body))
    return response

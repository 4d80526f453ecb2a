"""Flash messages: one-time notices stored in the session and shown on the next page.

:func:`flash` queues a message, :func:`get_flashed_messages` pops them all (each is shown
once). For htmx responses, which do not re-render the layout, :func:`flash_oob` renders
the queue as an out-of-band swap of the layout's ``#flash-messages`` region (with
``shipyard.web``'s ``oob`` helper); append it to the fragment you return.
"""

from __future__ import annotations

from typing import NamedTuple

from markupsafe import Markup
from starlette.requests import HTTPConnection

from shipyard.sessions.session import get_session
from shipyard.web.htmx.oob import oob

FLASH_KEY = "_flashes"
FLASH_REGION_ID = "flash-messages"


class FlashMessage(NamedTuple):
    """One flashed message and its level (``info``, ``success``, ``warning``, ``error``)."""

    level: str
    message: str


def flash(request: HTTPConnection, message: str, level: str = "info") -> None:
    """Queue ``message`` for the next page this session renders."""
    session = get_session(request)
    queued = list(session.get(FLASH_KEY, []))
    queued.append([level, message])
    session[FLASH_KEY] = queued


def get_flashed_messages(request: HTTPConnection) -> list[FlashMessage]:
    """The queued messages, removed from the session (so each is shown once)."""
    session = get_session(request)
    if FLASH_KEY not in session:
        return []
    queued = session.pop(FLASH_KEY)
    return [FlashMessage(str(level), str(text)) for level, text in queued]


def render_flash_messages(messages: list[FlashMessage]) -> Markup:
    """The inner markup of the flash region: one escaped ``div`` per message."""
    return Markup("").join(
        Markup('<div class="flash flash-{level}" role="status">{message}</div>').format(
            level=message.level, message=message.message
        )
        for message in messages
    )


def flash_oob(request: HTTPConnection) -> Markup:
    """The queued messages as an htmx out-of-band swap into ``#flash-messages``.

    The swap replaces the region's content (``innerHTML``), so the layout's region keeps
    its own attributes (``aria-live``...).
    """
    inner = render_flash_messages(get_flashed_messages(request))
    return oob(FLASH_REGION_ID, inner, "innerHTML")

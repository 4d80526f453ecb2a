"""Mail in tests: an in-memory outbox on the app, and reading links out of messages.

The ``mail_outbox`` fixture (:mod:`shipyard.testing.plugin`) uses :func:`memory_outbox`;
:func:`first_link` pulls the first URL out of a message, e.g. a verification link.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from html import unescape

from shipyard.app import App
from shipyard.errors import ShipyardError
from shipyard.mail import MemoryMailer, Message

_MISSING = object()
_URL = re.compile(r"""https?://[^\s<>"']+""")


@contextmanager
def memory_outbox(app: App) -> Iterator[list[Message]]:
    """Send the app's mail to a :class:`MemoryMailer` for the block; yield its outbox.

    The mailer goes in ``app.state.mailer`` (which ``get_mailer`` prefers); whatever was
    there before is put back afterwards.
    """
    mailer = MemoryMailer(app.settings.mail)
    previous = getattr(app.state, "mailer", _MISSING)
    app.state.mailer = mailer
    try:
        yield mailer.outbox
    finally:
        if previous is _MISSING:
            del app.state.mailer
        else:
            app.state.mailer = previous


def links(message: Message) -> list[str]:
    """Every http(s) URL in the message, text part first, then the HTML part."""
    found = _URL.findall(message.text)
    if message.html is not None:
        found += _URL.findall(unescape(message.html))
    return [url.rstrip(".,;:!?)") for url in found]


def first_link(message: Message) -> str:
    """The first http(s) URL in ``message``; a clear error naming the message if none."""
    found = links(message)
    if not found:
        raise ShipyardError(
            f"the message {message.subject!r} to {', '.join(message.recipients)} has no link",
            hint="check that the email template renders the link",
        )
    return found[0]

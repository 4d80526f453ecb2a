"""Mail in tests: an in-memory outbox on the app, and reading links out of messages.

The ``mail_outbox`` fixture (:mod:`shipyard.testing.plugin`) uses :func:`memory_outbox`;
:func:`first_link` pulls the first URL out of a message, e.g. a verification link.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from html import unescape

from shipyard.core.app import AppBase
from shipyard.errors import ShipyardError
from shipyard.mail import MemoryMailer, Message
from shipyard.mail.backends import MAILER

_URL = re.compile(r"""https?://[^\s<>"']+""")


@contextmanager
def memory_outbox(app: AppBase) -> Iterator[list[Message]]:
    """Send the app's mail to a :class:`MemoryMailer` for the block; yield its outbox.

    The mailer becomes the app's :data:`~shipyard.mail.backends.MAILER` (which
    ``get_mailer`` prefers); whatever was there before is put back afterwards.
    """
    mailer = MemoryMailer(app.settings.mail)
    previous = MAILER.find(app)
    MAILER.provide(app, mailer)
    try:
        yield mailer.outbox
    finally:
        MAILER.withdraw(app, mailer)
        if previous is not None:
            MAILER.provide(app, previous)


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

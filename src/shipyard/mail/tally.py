"""How many mails this process sent and failed to send, by backend.

A process-wide tally kept by :func:`deliver` and :func:`deliver_all` (every mail the
framework sends goes through them) and read by the metrics scrape
(``shipyard_mails_total{backend, outcome}``): a dict of integers, no lock (one event
loop per worker process).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Literal

from shipyard.mail.backends import MAILER, get_mailer
from shipyard.mail.message import Message, send_all

if TYPE_CHECKING:
    from shipyard.core.app import AppBase

Outcome = Literal["sent", "failed"]

MAILS: dict[tuple[str, Outcome], int] = {}
"""Mails handed over (``sent``) or not (``failed``), by (backend, outcome)."""


def backend_name(app: AppBase) -> str:
    """The label of the app's mailer: ``mail.backend``, or ``custom`` for a provided one."""
    return "custom" if MAILER.find(app) is not None else app.settings.mail.backend


def count(backend: str, outcome: Outcome, mails: int = 1) -> None:
    """Add ``mails`` to the tally of ``backend`` and ``outcome``."""
    MAILS[backend, outcome] = MAILS.get((backend, outcome), 0) + mails


async def deliver(app: AppBase, message: Message) -> str | None:
    """Send ``message`` through the app's mailer, counted; the provider's id for it."""
    backend = backend_name(app)
    try:
        found = await get_mailer(app).send(message)
    except BaseException:
        count(backend, "failed")
        raise
    count(backend, "sent")
    return found


async def deliver_all(app: AppBase, messages: Iterable[Message]) -> None:
    """Send ``messages`` as one batch through the app's mailer, counted."""
    batch = list(messages)
    backend = backend_name(app)
    try:
        await send_all(get_mailer(app), batch)
    except BaseException:
        count(backend, "failed", len(batch))
        raise
    count(backend, "sent", len(batch))

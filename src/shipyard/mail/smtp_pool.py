"""Idle SMTP connections kept for the next send (``mail.smtp.keepalive``).

Queued mail is sent one job at a time, each job one message: without reuse every mail
would pay a TCP connect, EHLO, STARTTLS and AUTH. After a send the connection waits here
up to ``keepalive`` seconds (at most ``pool_size`` of them); the next send on the same
event loop takes it, checks it with ``NOOP`` and uses it. A connection that fails the
check, or that belongs to another (or a closed) event loop, is dropped.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

import aiosmtplib


@dataclass
class _Idle:
    client: aiosmtplib.SMTP
    loop: asyncio.AbstractEventLoop
    since: float


class IdleConnections:
    """At most ``size`` logged-in connections, each kept ``keepalive`` seconds."""

    def __init__(self, size: int, keepalive: float) -> None:
        self.size = size
        self.keepalive = keepalive
        self._idle: list[_Idle] = []

    async def take(self) -> aiosmtplib.SMTP | None:
        """A live idle connection of this event loop, or None."""
        loop = asyncio.get_running_loop()
        now = time.monotonic()
        while self._idle:
            idle = self._idle.pop()
            if idle.loop is not loop or idle.loop.is_closed():
                continue  # cannot be used (nor closed cleanly) from here: let it go
            if now - idle.since > self.keepalive or not idle.client.is_connected:
                idle.client.close()
                continue
            try:
                await idle.client.noop()
            except (aiosmtplib.SMTPException, OSError):
                idle.client.close()
                continue
            return idle.client
        return None

    def give_back(self, client: aiosmtplib.SMTP) -> bool:
        """Keep ``client`` for the next send; False (the caller closes it) when full."""
        if self.keepalive <= 0 or len(self._idle) >= self.size or not client.is_connected:
            return False
        self._idle.append(_Idle(client, asyncio.get_running_loop(), time.monotonic()))
        return True

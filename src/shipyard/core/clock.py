"""The one clock: a callable returning an aware UTC datetime.

Every timestamp Shipyard writes comes from :func:`utc_now`. Code that schedules (jobs,
token expiry) takes a ``clock`` so tests can move time by hand with :class:`ManualClock`
instead of sleeping.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)


class ManualClock:
    """A clock that only moves when told to (for tests)."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2030, 1, 1, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> datetime:
        """Move forward by ``seconds``; returns the new time."""
        self.now += timedelta(seconds=seconds)
        return self.now

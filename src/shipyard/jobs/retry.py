"""Retry policies: how many attempts a job gets and how long to wait between them.

The delay before attempt ``n + 1`` is ``base * factor ** (n - 1)`` seconds, capped at
``cap``, then spread by ``jitter`` (0.2 means anywhere within +-20 %) so that jobs that
failed together do not all retry in the same instant. Exceptions listed in ``no_retry``
dead-letter the job at once.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from shipyard.errors import ShipyardError


@dataclass(frozen=True)
class RetryPolicy:
    """Attempts and exponential backoff with jitter; set per job or globally."""

    attempts: int = 3
    """Total runs, the first one included (1 means never retry)."""
    base: float = 1.0
    factor: float = 2.0
    cap: float = 600.0
    jitter: float = 0.2
    no_retry: tuple[type[BaseException], ...] = field(default=())

    def __post_init__(self) -> None:
        problems = []
        if self.attempts < 1:
            problems.append("attempts must be at least 1")
        if self.base < 0 or self.cap < 0:
            problems.append("base and cap must not be negative")
        if self.factor < 1:
            problems.append("factor must be at least 1")
        if not 0 <= self.jitter <= 1:
            problems.append("jitter must be between 0 and 1")
        if problems:
            raise ShipyardError(
                f"invalid RetryPolicy: {'; '.join(problems)}",
                hint="e.g. RetryPolicy(attempts=5, base=2, factor=2, cap=300, jitter=0.2)",
            )

    def retries(self, attempt: int, error: BaseException) -> bool:
        """True if a job that failed its ``attempt``-th run with ``error`` runs again."""
        return attempt < self.attempts and not isinstance(error, self.no_retry)

    def next_delay(self, attempt: int, rng: random.Random | None = None) -> float:
        """Seconds to wait after the ``attempt``-th run (1-based) failed."""
        exponent = max(attempt - 1, 0)
        try:
            delay = min(self.cap, self.base * self.factor**exponent)
        except OverflowError:
            delay = self.cap
        if self.jitter:
            rng = rng or random.Random()  # noqa: S311  # nosec B311 - jitter, not secrets
            delay *= 1 + rng.uniform(-self.jitter, self.jitter)
        return max(delay, 0.0)

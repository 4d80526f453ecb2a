"""Readiness checks: what an extension must reach before the app can take traffic.

An extension lists its dependencies through ``Extension.readiness_checks(app)`` (the
database, a Redis server, applied migrations); :func:`run_readiness` runs them all at
once, each within a timeout, and reports every one, so a failing probe says which
dependency is down and why instead of a bare 503.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class ReadinessCheck:
    """A named probe: it returns when the dependency answers and raises when it does not."""

    name: str
    probe: Callable[[], Awaitable[None]]


@dataclass(frozen=True)
class CheckResult:
    """How one check went: ``ok``, how long it took, and why it failed."""

    name: str
    ok: bool
    duration_ms: float
    error: str | None = None

    def as_json(self) -> dict[str, object]:
        """The result as the readiness endpoint reports it."""
        body: dict[str, object] = {
            "status": "ok" if self.ok else "failing",
            "duration_ms": round(self.duration_ms, 2),
        }
        if self.error is not None:
            body["error"] = self.error
        return body


async def _run_one(check: ReadinessCheck, seconds: float) -> CheckResult:
    started = time.perf_counter()
    try:
        await asyncio.wait_for(check.probe(), seconds)
    except TimeoutError:
        error: str | None = f"no answer within {seconds:g}s"
    except Exception as exc:  # any failure of the dependency is a failing check
        error = f"{type(exc).__name__}: {exc}".strip()[:300]
    else:
        error = None
    elapsed = (time.perf_counter() - started) * 1000
    return CheckResult(check.name, error is None, elapsed, error)


async def run_readiness(checks: Iterable[ReadinessCheck], seconds: float) -> list[CheckResult]:
    """Run every check concurrently, each within ``seconds``; results in order."""
    return list(await asyncio.gather(*(_run_one(check, seconds) for check in checks)))

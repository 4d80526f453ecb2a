"""The built-in ``ratelimit`` extension: the middleware, the global route dependency, storage.

Setup fills the ``ratelimit`` slot of the declared middleware order (inside sessions, so
429s get the security headers and the error page can use the lazy session). Start-up
opens the storage chosen by ``ratelimit.storage`` unless a test provided a limiter first.
The app's OpenAPI documents list the 429 of every operation the global limit covers.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import TYPE_CHECKING

from shipyard.config.models import Settings
from shipyard.core.checks import Finding
from shipyard.core.openapi import Operation
from shipyard.extension import Extension
from shipyard.ratelimit.limiter import Limiter
from shipyard.ratelimit.middleware import RateLimitMiddleware, exempt
from shipyard.ratelimit.state import LIMITER

if TYPE_CHECKING:
    from shipyard.core.app import AppBase


def document_rate_limit(operation: Operation) -> None:
    """OpenAPI: operations under the global limit may answer 429 (with ``Retry-After``)."""
    settings: Settings = operation.app.settings  # type: ignore[attr-defined]
    if settings.ratelimit.enabled and not exempt(operation.path, settings):
        operation.add_problem(429, "Too many requests; see Retry-After.")


class RateLimitExtension(Extension):
    """Installs rate limiting; owns the limiter it creates at start-up."""

    name = "ratelimit"

    def __init__(self) -> None:
        self._owned: Limiter | None = None

    def setup(self, app: AppBase) -> None:
        app.use_middleware("ratelimit", RateLimitMiddleware)
        app.add_openapi_hook(document_rate_limit)

    async def startup(self, app: AppBase) -> None:
        if LIMITER.find(app) is not None:
            return
        self._owned = LIMITER.provide(app, Limiter.from_settings(app.settings.ratelimit))

    async def shutdown(self, app: AppBase) -> None:
        owned, self._owned = self._owned, None
        if owned is not None:
            LIMITER.withdraw(app, owned)

    def checks(self, app: AppBase, *, deploy: bool) -> Iterable[Finding]:
        settings = app.settings
        if not (deploy and settings.ratelimit.enabled and settings.ratelimit.storage == "memory"):
            return
        workers = settings.server.workers or os.cpu_count() or 1
        if workers > 1:
            yield Finding(
                "ratelimit.W002",
                "warning",
                f"{workers} worker processes (server.workers = {settings.server.workers}) "
                "count rate limits and password guesses in memory, each on its own: a "
                f"client gets up to {workers} times every limit and {workers} times the "
                "guesses before the login throttle holds it back",
                'set ratelimit.storage = "redis" (shared counts), or server.workers = 1',
            )
            return
        yield Finding(
            "ratelimit.W001",
            "warning",
            "rate limits are counted in memory: each worker process counts on its own",
            'set ratelimit.storage = "redis" when the app runs more than one process',
        )

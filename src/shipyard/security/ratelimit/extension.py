"""The built-in ``ratelimit`` extension: the middleware, the global route dependency, storage.

Setup places :class:`RateLimitMiddleware` just inside the session middleware (so 429s
get the security headers and the error page can use the lazy session).
Start-up opens the storage chosen by ``ratelimit.storage`` unless
``app.state.rate_limiter`` was set beforehand (tests).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.middleware import Middleware

from shipyard.extension import Extension
from shipyard.security.ratelimit.limiter import Limiter
from shipyard.security.ratelimit.middleware import RateLimitMiddleware
from shipyard.security.session_middleware import SessionMiddleware

if TYPE_CHECKING:
    from shipyard.app import App


class RateLimitExtension(Extension):
    """Installs rate limiting; owns the limiter it creates at start-up."""

    name = "ratelimit"

    def __init__(self) -> None:
        self._owned: Limiter | None = None

    def setup(self, app: App) -> None:
        stack = app.user_middleware
        sessions = [i for i, item in enumerate(stack) if item.cls is SessionMiddleware]  # type: ignore[comparison-overlap]
        position = sessions[0] + 1 if sessions else 0
        stack.insert(position, Middleware(RateLimitMiddleware))

    async def startup(self, app: App) -> None:
        if getattr(app.state, "rate_limiter", None) is not None:
            return
        app.state.rate_limiter = self._owned = Limiter.from_settings(app.settings.ratelimit)

    async def shutdown(self, app: App) -> None:
        owned, self._owned = self._owned, None
        if owned is not None and getattr(app.state, "rate_limiter", None) is owned:
            del app.state.rate_limiter

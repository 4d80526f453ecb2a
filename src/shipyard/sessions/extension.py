"""The built-in ``sessions`` extension: the session middleware and the app's session store.

Setup fills the ``sessions`` slot of the middleware order. At start-up it opens the store
chosen by ``sessions.backend`` (unless a test provided one first); neither store connects
before its first use.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from shipyard.core.checks import Finding
from shipyard.core.health import ReadinessCheck
from shipyard.db.extension import get_database
from shipyard.extension import Extension
from shipyard.sessions.backends import SessionBackend
from shipyard.sessions.database import SESSIONS_MIGRATIONS, DatabaseSessionBackend
from shipyard.sessions.middleware import SESSION_BACKEND, SessionMiddleware
from shipyard.sessions.redis import RedisSessionBackend

if TYPE_CHECKING:
    from shipyard.core.app import AppBase
    from shipyard.db.branches import MigrationBranch


class SessionsExtension(Extension):
    """Installs the session middleware; owns the session store it opens."""

    name = "sessions"

    def __init__(self) -> None:
        self._owned: SessionBackend | None = None

    def setup(self, app: AppBase) -> None:
        app.use_middleware("sessions", SessionMiddleware)

    async def startup(self, app: AppBase) -> None:
        if SESSION_BACKEND.find(app) is not None:
            return
        options = app.settings.sessions
        backend: SessionBackend
        if options.backend == "redis":
            backend = RedisSessionBackend.from_url(
                options.redis_url.get_secret_value(), options.redis_prefix
            )
        else:
            backend = DatabaseSessionBackend(get_database(app))
        self._owned = SESSION_BACKEND.provide(app, backend)

    async def shutdown(self, app: AppBase) -> None:
        owned, self._owned = self._owned, None
        if owned is not None:
            SESSION_BACKEND.withdraw(app, owned)
            await owned.close()

    def migrations(self, app: AppBase) -> Iterable[MigrationBranch]:
        return (SESSIONS_MIGRATIONS,)

    def readiness_checks(self, app: AppBase) -> Iterable[ReadinessCheck]:
        backend = SESSION_BACKEND.find(app)
        if isinstance(backend, RedisSessionBackend):
            client = backend.client

            async def answers() -> None:
                await client.echo("ready")

            yield ReadinessCheck("sessions.redis", answers)

    def checks(self, app: AppBase, *, deploy: bool) -> Iterable[Finding]:
        if deploy and app.settings.sessions.secure is False:
            yield Finding(
                "sessions.W001",
                "warning",
                "sessions.secure is false: the session cookie is also sent over plain HTTP",
                "remove sessions.secure (it defaults to on in production) behind HTTPS",
            )

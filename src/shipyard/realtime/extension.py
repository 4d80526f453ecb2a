"""``RealtimeExtension``: the broker, the event-stream and WebSocket routes, htmx's SSE.

Opt in with ``App(extensions=[RealtimeExtension()])``. Startup builds the broker named
by ``realtime.backend`` and connects it, publishes the app's :data:`REALTIME` service
and puts the shutdown signal in front of the server's; shutdown ends every stream and
socket, then closes the broker. Setup mounts the routes under ``prefix`` and loads
htmx's ``sse`` and ``ws`` extensions in the base layout.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from shipyard.auth.authenticators import register_authenticator
from shipyard.core.checks import Finding
from shipyard.core.health import ReadinessCheck
from shipyard.extension import Extension
from shipyard.realtime.broker import Broker, MemoryBroker
from shipyard.realtime.channels import channel_rules
from shipyard.realtime.hub import REALTIME, Realtime
from shipyard.realtime.routes import realtime_router
from shipyard.realtime.shutdown import ShutdownSignal
from shipyard.realtime.tickets import ticket_authenticator
from shipyard.web.templates import register_template_global

if TYPE_CHECKING:
    from shipyard.config.models import Settings
    from shipyard.core.app import AppBase


PRIORITY_TICKET = 50
"""Before every other authenticator: a handshake that brings a ticket means it."""


def make_broker(settings: Settings) -> Broker:
    """The broker ``settings.realtime.backend`` names (not connected yet)."""
    options = settings.realtime
    if options.backend == "redis":
        from shipyard.realtime.redis import RedisBroker

        return RedisBroker(options)
    if options.backend == "postgres":
        from shipyard.realtime.postgres import PostgresBroker

        url = options.postgres_url or settings.database.url
        return PostgresBroker(options, url.get_secret_value())
    return MemoryBroker(options)


class RealtimeExtension(Extension):
    """Pub/sub, Server-Sent Events and WebSockets; ``broker=`` overrides the settings."""

    name = "realtime"

    def __init__(self, *, prefix: str = "/realtime", broker: Broker | None = None) -> None:
        self.prefix = prefix.rstrip("/")
        self.broker = broker
        self.signal: ShutdownSignal | None = None

    def setup(self, app: AppBase) -> None:
        app.include_router(realtime_router(), prefix=self.prefix)
        register_authenticator(app, ticket_authenticator, priority=PRIORITY_TICKET)
        register_template_global(app, "htmx_extensions", ("sse", "ws"))
        register_template_global(app, "realtime_prefix", self.prefix)

    async def startup(self, app: AppBase) -> None:
        broker = self.broker or make_broker(app.settings)
        await broker.start()
        self.signal = ShutdownSignal()
        self.signal.install()
        REALTIME.provide(
            app, Realtime(broker, channel_rules(app), app.settings.realtime, self.signal)
        )

    async def shutdown(self, app: AppBase) -> None:
        realtime = REALTIME.find(app)
        if self.signal is not None:
            self.signal.set()
            self.signal.uninstall()
            self.signal = None
        if realtime is not None:
            REALTIME.withdraw(app, realtime)
            await realtime.broker.close()

    def readiness_checks(self, app: AppBase) -> Iterable[ReadinessCheck]:
        realtime = REALTIME.find(app)
        if realtime is not None and not isinstance(realtime.broker, MemoryBroker):
            yield ReadinessCheck(f"realtime.{realtime.broker.name}", realtime.broker.ping)

    def checks(self, app: AppBase, *, deploy: bool) -> Iterable[Finding]:
        settings = app.settings
        if deploy and settings.realtime.backend == "memory" and settings.server.workers != 1:
            yield Finding(
                "realtime.W001",
                "warning",
                "realtime.backend is memory while the server runs several workers: an event "
                "published in one worker never reaches clients connected to another",
                "set realtime.backend = redis or postgres (or server.workers = 1)",
            )
        if settings.realtime.backend == "postgres" and settings.realtime.postgres_url is None:
            url = settings.database.url.get_secret_value()
            if not url.startswith("postgres"):
                yield Finding(
                    "realtime.E001",
                    "error",
                    "realtime.backend is postgres but database.url is not PostgreSQL",
                    "set realtime.postgres_url, or choose realtime.backend = redis",
                )

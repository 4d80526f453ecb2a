"""The built-in ``observability`` extension: logging set-up, request context, probes.

Setup fills the outermost middleware slot (``request_context``) and adds the liveness
and readiness routes when ``health.enabled``; startup routes every logger through the
structured handler (:func:`~shipyard.observability.logs.configure_logging`), in each
worker process, unless ``logging.configure`` is off.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from shipyard.extension import Extension
from shipyard.observability.health import health_router
from shipyard.observability.logs import configure_logging
from shipyard.observability.requests import RequestContextMiddleware

if TYPE_CHECKING:
    from shipyard.core.app import AppBase


class ObservabilityExtension(Extension):
    """Structured logs with request context, the access line, ``/up`` and ``/ready``."""

    name = "observability"

    def setup(self, app: AppBase) -> None:
        app.use_middleware("request_context", RequestContextMiddleware)
        if app.settings.health.enabled:
            app.include_router(health_router(app))

    async def startup(self, app: AppBase) -> None:
        configure_logging(app.settings)

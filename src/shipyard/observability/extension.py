"""The built-in ``observability`` extension: logging set-up, request context, probes, metrics.

Setup routes every logger through the structured handler
(:func:`~shipyard.observability.logs.configure_logging`; unless ``logging.configure`` is
off), as Django sets up logging when it loads its settings: each worker process builds
the app, so each is set up before its server or worker logs a line. It fills the
outermost middleware slot (``request_context``), adds the liveness and readiness routes
when ``health.enabled`` and, when ``metrics.enabled``, the scrape route and the counting
of job events (of a jobs extension registered before it: it comes last in ``App``). At
start-up, once the database is up, it times the engine's statements (slow SQL, N+1) and,
when tracing is wanted (``tracing``), starts OpenTelemetry
(:mod:`shipyard.observability.tracing`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from shipyard.core.checks import Finding
from shipyard.db.extension import DATABASE
from shipyard.extension import Extension
from shipyard.jobs.extension import JobsExtension
from shipyard.observability.health import health_router
from shipyard.observability.logs import configure_logging
from shipyard.observability.requests import RequestContextMiddleware
from shipyard.observability.sql import watch_statements
from shipyard.observability.tracing import (
    add_trace_ids,
    start_tracing,
    trace_libraries,
    trace_statements,
    tracing_wanted,
)

if TYPE_CHECKING:
    from shipyard.core.app import AppBase


class ObservabilityExtension(Extension):
    """Structured logs with request context, the access line, ``/up`` and ``/ready``."""

    name = "observability"
    tracer_provider: Any = None
    """The OpenTelemetry provider spans go to, once tracing started (``tracing``)."""
    _stop_job_tracing: Callable[[], None] | None = None

    def setup(self, app: AppBase) -> None:
        traced = tracing_wanted(app.settings)
        configure_logging(app.settings, extra=[add_trace_ids] if traced else [])
        recorder = None
        if app.settings.metrics.enabled:
            from shipyard.observability import metrics

            recorder = metrics.request_recorder()
            if app.settings.metrics.token is not None or not app.settings.is_production:
                app.include_router(metrics.metrics_router(app))
            metrics.POOLS.apps.add(app)
            metrics.CACHE_STATS.apps.add(app)
            jobs = app.find_extension(JobsExtension)
            if jobs is not None:
                jobs.events.subscribe(metrics.record_job_event)
        app.use_middleware("request_context", RequestContextMiddleware, recorder=recorder)
        if app.settings.health.enabled:
            app.include_router(health_router(app))

    async def startup(self, app: AppBase) -> None:
        options = app.settings.logging
        database = DATABASE.find(app)
        watching = options.slow_query_ms is not None or app.settings.app.debug
        if database is not None and watching:
            watch_statements(database.engine.sync_engine, app.settings)
        if tracing_wanted(app.settings):
            self._start_tracing(app)

    def _start_tracing(self, app: AppBase) -> None:
        """Install the tracer provider; trace the app's statements and job runs."""
        self.tracer_provider = start_tracing(app.settings)
        trace_libraries()
        database = DATABASE.find(app)
        if database is not None and app.settings.tracing.statements:
            trace_statements(database.engine.sync_engine, database.backend)
        jobs = app.find_extension(JobsExtension)
        if jobs is not None:
            from shipyard.jobs.telemetry import instrument_jobs

            self._stop_job_tracing = instrument_jobs(jobs.events)

    async def shutdown(self, app: AppBase) -> None:
        if self._stop_job_tracing is not None:
            self._stop_job_tracing()
            self._stop_job_tracing = None
        if self.tracer_provider is not None:
            self.tracer_provider.force_flush()
        if app.settings.metrics.enabled:
            from shipyard.observability.metrics import mark_process_gone

            mark_process_gone()

    def checks(self, app: AppBase, *, deploy: bool) -> Iterable[Finding]:
        options = app.settings.metrics
        if deploy and options.enabled and options.token is None:
            yield Finding(
                "observability.I001",
                "info",
                f"metrics are counted but {options.path} answers 404 in production: "
                "no metrics.token is set",
                "set metrics.token (SHIPYARD_METRICS__TOKEN) and give it to Prometheus "
                "as a bearer token, or set metrics.enabled = false",
            )

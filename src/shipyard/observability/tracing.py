"""Zero-config OpenTelemetry tracing: a provider exporting over OTLP, SQL spans, job spans.

With the ``otel`` extra installed and ``OTEL_EXPORTER_OTLP_ENDPOINT`` (or
``OTEL_EXPORTER_OTLP_TRACES_ENDPOINT``) set, :func:`start_tracing` makes the process's
tracer provider: ``service.name`` and the profile as resource attributes (plus
``OTEL_RESOURCE_ATTRIBUTES``), a parent-based ratio sampler (``tracing.sample_ratio``),
and a batch processor exporting with OTLP over HTTP (endpoint, headers and timeout from
the standard ``OTEL_EXPORTER_OTLP_*`` variables). Then:

- **requests**: FastAPI's own telemetry makes a server span per request once a provider
  is configured, continuing a W3C ``traceparent`` sent by an upstream proxy;
- **outgoing calls**: httpx requests and Redis commands (OpenTelemetry's instrumentations,
  :func:`trace_libraries`), template rendering and mail sending (``shipyard.core.tracing``);
- **SQL statements**: :func:`trace_statements` adds a client span per statement (its SQL,
  never its parameters) under the current span;
- **log lines**: :func:`add_trace_ids` puts the current ``trace_id`` and ``span_id`` on
  every line logged inside a span;
- **jobs**: the jobs extension's runs become spans (:mod:`shipyard.jobs.telemetry`), each
  continuing the trace of the request that enqueued it.

A provider someone else set up (auto-instrumentation, the app's own code) is kept:
Shipyard then only adds its spans to it.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import MutableMapping
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

from shipyard.config.models import Settings
from shipyard.core.tracing import use_tracer
from shipyard.errors import ShipyardError
from shipyard.observability.sql import compact

ENDPOINT_VARIABLES = ("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
SPAN_KEY = "shipyard.statement_span"
INSTRUMENTORS = (
    ("opentelemetry.instrumentation.httpx", "HTTPXClientInstrumentor"),
    ("opentelemetry.instrumentation.redis", "RedisInstrumentor"),
)
"""OpenTelemetry's instrumentations switched on with tracing, when installed."""
INSTALL_HINT = "pip install 'shipyard[otel]' (OpenTelemetry's SDK and OTLP exporter)"


def tracing_wanted(settings: Settings) -> bool:
    """True when ``tracing.enabled`` is ``on``, or ``auto`` with an OTLP endpoint set
    (``tracing.endpoint`` or the standard environment variables)."""
    wanted = settings.tracing.enabled
    if wanted == "auto":
        return bool(settings.tracing.endpoint) or any(
            os.environ.get(name) for name in ENDPOINT_VARIABLES
        )
    return wanted == "on"


def start_tracing(settings: Settings, *, exporter: Any = None) -> Any:
    """Make and install the process's tracer provider; returns the provider in use.

    ``exporter`` replaces the OTLP exporter (tests pass an in-memory one). When another
    provider is already installed it is returned unchanged.
    """
    try:
        from opentelemetry import trace
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
        from opentelemetry.sdk.resources import Resource
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import BatchSpanProcessor
        from opentelemetry.sdk.trace.sampling import ParentBased, TraceIdRatioBased
    except ImportError as missing:
        raise ShipyardError(
            f"tracing is on but OpenTelemetry is not installed ({missing.name})",
            hint=f"{INSTALL_HINT}, or set tracing.enabled = 'off'",
        ) from missing
    current = trace.get_tracer_provider()
    if isinstance(current, TracerProvider):
        return current
    options = settings.tracing
    resource = Resource.create(
        {
            "service.name": options.service_name or settings.app.name,
            "deployment.environment.name": settings.profile,
        }
    )
    provider = TracerProvider(
        resource=resource, sampler=ParentBased(TraceIdRatioBased(options.sample_ratio))
    )
    if exporter is None:
        endpoint = options.endpoint and options.endpoint.rstrip("/") + "/v1/traces"
        exporter = OTLPSpanExporter(endpoint=endpoint)
    provider.add_span_processor(BatchSpanProcessor(exporter))
    trace.set_tracer_provider(provider)
    return trace.get_tracer_provider()


def trace_libraries() -> None:
    """Spans for outgoing httpx calls and Redis commands, and the framework's own spans.

    The httpx and Redis instrumentations (OpenTelemetry's, in the ``otel`` extra) are
    switched on once per process when installed; templates and mail get their spans
    through :mod:`shipyard.core.tracing`.
    """
    from opentelemetry import trace

    use_tracer(trace.get_tracer("shipyard"))
    for module, name in INSTRUMENTORS:
        try:
            instrumentor = getattr(importlib.import_module(module), name)()
        except ImportError:
            continue
        if not instrumentor.is_instrumented_by_opentelemetry:
            instrumentor.instrument()


def add_trace_ids(
    _logger: Any, _method: str, event: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """A log processor: ``trace_id`` and ``span_id`` of the span recording, if any."""
    from opentelemetry import trace

    context = trace.get_current_span().get_span_context()
    if context.is_valid:
        event.setdefault("trace_id", format(context.trace_id, "032x"))
        event.setdefault("span_id", format(context.span_id, "016x"))
    return event


def trace_statements(engine: Engine, system: str) -> None:
    """A client span per SQL statement run on ``engine`` (``db.system.name`` ``system``)."""
    from opentelemetry import trace
    from opentelemetry.trace import SpanKind, Status, StatusCode

    tracer = trace.get_tracer("shipyard.db")

    def before(connection: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        span = None
        if trace.get_current_span().is_recording():
            operation = (statement.split(None, 1) or ["SQL"])[0].upper()
            span = tracer.start_span(
                f"{operation} {system}",
                kind=SpanKind.CLIENT,
                attributes={"db.system.name": system, "db.query.text": compact(statement)},
            )
        connection.info.setdefault(SPAN_KEY, []).append(span)

    def after(connection: Any, *_args: Any) -> None:
        opened = connection.info.get(SPAN_KEY)
        span = opened.pop() if opened else None
        if span is not None:
            span.end()

    def failed(exception_context: Any) -> None:
        connection = exception_context.connection
        opened = None if connection is None else connection.info.get(SPAN_KEY)
        span = opened.pop() if opened else None
        if span is not None:
            error = type(exception_context.original_exception).__name__
            span.set_status(Status(StatusCode.ERROR, error))
            span.end()

    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    event.listen(engine, "handle_error", failed)

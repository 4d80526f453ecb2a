"""W3C trace context carried from the code that enqueues a job to the worker that runs it.

When OpenTelemetry is installed (the ``otel`` extra) and a span is recording as a job is
enqueued (a request being traced), the job's ``meta`` keeps that span's ``traceparent``
(and ``tracestate``) under :data:`META_KEY`; :mod:`shipyard.jobs.telemetry` starts the
run's span as its child, so one trace goes from the click to the job. Nothing is added
when nothing is traced.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

try:
    from opentelemetry import propagate, trace
    from opentelemetry.context import Context

    AVAILABLE = True
except ImportError:  # pragma: no cover - the otel extra is not installed
    AVAILABLE = False

META_KEY = "trace"
"""Where a job's ``meta`` holds the trace context of the code that enqueued it."""


def current_trace_context() -> dict[str, str] | None:
    """The recording span's W3C headers to carry along, or None when nothing is traced."""
    if not AVAILABLE or not trace.get_current_span().is_recording():
        return None
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    return carrier or None


def parent_context(meta: Mapping[str, Any]) -> Context | None:
    """The context a job's run continues (None: the run starts a trace of its own)."""
    carried = meta.get(META_KEY)
    if not AVAILABLE or not isinstance(carried, dict):
        return None
    headers = {str(key): str(value) for key, value in carried.items()}
    return propagate.extract(headers)

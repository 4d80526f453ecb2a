"""OpenTelemetry for jobs, attached through lifecycle events: a span per run, metrics.

``instrument_jobs(app)`` subscribes one callback to the app's job events (needs the
``otel`` extra: ``pip install 'shipyard[otel]'``). Each run becomes a ``CONSUMER`` span
``job <name>``, current while the job runs (spans the job opens nest under it) and ended
with the run's outcome; two instruments count what happens:

* ``shipyard.jobs.events`` (counter): one per event, by ``event``, ``queue`` and ``job``;
* ``shipyard.jobs.duration`` (histogram, seconds): each finished run, by ``queue``,
  ``job`` and ``outcome`` (``succeeded`` or ``failed``).

A run of a job enqueued while a span was recording continues that span's trace
(:mod:`shipyard.jobs.tracecontext`). Providers default to the global ones
OpenTelemetry's SDK (or ``tracing`` settings, or auto-instrumentation) set up.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import Token
from typing import TYPE_CHECKING

from opentelemetry import context, metrics, trace
from opentelemetry.context import Context
from opentelemetry.trace import SpanKind, Status, StatusCode

from shipyard.jobs.events import JobEvent, JobEvents
from shipyard.jobs.tracecontext import parent_context

if TYPE_CHECKING:
    from shipyard.core.app import AppBase

SCOPE = "shipyard.jobs"
RunKey = tuple[str, int]
"""A run: the job id and its attempt number."""


class JobTelemetry:
    """The event callback: opens a span on ``started``, closes it when the run settles."""

    def __init__(
        self,
        *,
        tracer_provider: trace.TracerProvider | None = None,
        meter_provider: metrics.MeterProvider | None = None,
    ) -> None:
        self.tracer = trace.get_tracer(SCOPE, tracer_provider=tracer_provider)
        meter = metrics.get_meter(SCOPE, meter_provider=meter_provider)
        self.events = meter.create_counter(
            "shipyard.jobs.events", unit="{event}", description="Job lifecycle events."
        )
        self.duration = meter.create_histogram(
            "shipyard.jobs.duration", unit="s", description="How long job runs took."
        )
        self._open: dict[RunKey, tuple[trace.Span, Token[Context]]] = {}

    def __call__(self, event: JobEvent) -> None:
        job = event.job
        self.events.add(1, {"event": event.kind, "queue": job.queue, "job": job.name})
        key = (job.id, job.attempts)
        if event.kind == "started":
            self._start(key, event)
        elif event.kind in ("succeeded", "failed"):
            if event.duration is not None:
                outcome = {"queue": job.queue, "job": job.name, "outcome": event.kind}
                self.duration.record(event.duration, outcome)
            self._finish(key, event)

    def _start(self, key: RunKey, event: JobEvent) -> None:
        job = event.job
        span = self.tracer.start_span(
            f"job {job.name}",
            context=parent_context(job.meta),
            kind=SpanKind.CONSUMER,
            attributes={
                "messaging.system": "shipyard",
                "messaging.destination.name": job.queue,
                "messaging.message.id": job.id,
                "shipyard.job.name": job.name,
                "shipyard.job.attempt": job.attempts,
                "shipyard.job.max_attempts": job.max_attempts,
            },
        )
        self._open[key] = (span, context.attach(trace.set_span_in_context(span)))

    def _finish(self, key: RunKey, event: JobEvent) -> None:
        opened = self._open.pop(key, None)
        if opened is None:  # the run failed before it started (unknown job, bad arguments)
            return
        span, token = opened
        if event.kind == "failed":
            span.set_status(Status(StatusCode.ERROR, event.error))
        else:
            span.set_status(Status(StatusCode.OK))
        span.end()
        context.detach(token)


def instrument_jobs(
    target: AppBase | JobEvents,
    *,
    tracer_provider: trace.TracerProvider | None = None,
    meter_provider: metrics.MeterProvider | None = None,
) -> Callable[[], None]:
    """Trace and measure the jobs of ``target`` (an app, or a :class:`JobEvents`).

    Returns a function that stops the instrumentation.
    """
    if isinstance(target, JobEvents):
        events = target
    else:
        from shipyard.jobs.extension import JobsExtension

        events = target.extension(JobsExtension).events
    telemetry = JobTelemetry(tracer_provider=tracer_provider, meter_provider=meter_provider)
    return events.subscribe(telemetry)

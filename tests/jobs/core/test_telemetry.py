"""OpenTelemetry spans and metrics for job runs, attached through lifecycle events."""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

import pytest
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode
from tests.jobs.core.sample_jobs import AlwaysFails

from shipyard import App, Settings
from shipyard.config.sections.jobs import JobsSettings
from shipyard.jobs import Job, JobContext, Jobs, ManualClock, get_jobs
from shipyard.jobs.telemetry import instrument_jobs


class Traced(Job):
    """Opens a span of its own while it runs (it must nest under the run's span)."""

    provider: ClassVar[TracerProvider | None] = None

    async def run(self, ctx: JobContext) -> None:
        assert Traced.provider is not None
        with Traced.provider.get_tracer("app").start_as_current_span("inside the job"):
            pass


@pytest.fixture
def spans() -> InMemorySpanExporter:
    return InMemorySpanExporter()


@pytest.fixture
def reader() -> InMemoryMetricReader:
    return InMemoryMetricReader()


@pytest.fixture
def instrumented(jobs: Jobs, spans: InMemorySpanExporter, reader: InMemoryMetricReader) -> Jobs:
    tracer_provider = TracerProvider()
    tracer_provider.add_span_processor(SimpleSpanProcessor(spans))
    Traced.provider = tracer_provider
    instrument_jobs(
        jobs.events, tracer_provider=tracer_provider, meter_provider=MeterProvider([reader])
    )
    return jobs


def metric_points(reader: InMemoryMetricReader, name: str) -> list[Any]:
    data = reader.get_metrics_data()
    assert data is not None
    return [
        point
        for resource in data.resource_metrics
        for scope in resource.scope_metrics
        for metric in scope.metrics
        if metric.name == name
        for point in metric.data.data_points
    ]


async def test_a_run_is_a_consumer_span_with_the_job_span_nested(
    instrumented: Jobs, spans: InMemorySpanExporter
) -> None:
    job_id = await instrumented.enqueue(Traced())
    assert await instrumented.drain() == 1
    inner, run = spans.get_finished_spans()
    assert run.name == f"job {Traced.job_name()}"
    assert run.kind is SpanKind.CONSUMER
    assert run.status.status_code is StatusCode.OK
    assert run.attributes is not None
    assert run.attributes["messaging.message.id"] == job_id
    assert run.attributes["shipyard.job.attempt"] == 1
    assert inner.parent is not None
    assert run.context is not None
    assert inner.parent.span_id == run.context.span_id


async def test_failed_runs_are_error_spans_and_counted(
    instrumented: Jobs,
    clock: ManualClock,
    spans: InMemorySpanExporter,
    reader: InMemoryMetricReader,
) -> None:
    await instrumented.enqueue(AlwaysFails())
    for _ in range(3):  # three attempts, then dead
        await instrumented.drain()
        clock.advance(3600)
    finished = spans.get_finished_spans()
    assert [span.attributes["shipyard.job.attempt"] for span in finished if span.attributes] == [
        1,
        2,
        3,
    ]
    assert all(span.status.status_code is StatusCode.ERROR for span in finished)
    assert "attempt 3 failed" in (finished[-1].status.description or "")
    counts = {
        point.attributes["event"]: point.value
        for point in metric_points(reader, "shipyard.jobs.events")
    }
    assert counts == {"enqueued": 1, "started": 3, "failed": 3, "retried": 2, "dead": 1}
    (durations,) = metric_points(reader, "shipyard.jobs.duration")
    assert durations.count == 3
    assert durations.attributes["outcome"] == "failed"


async def test_instrumentation_can_be_removed(jobs: Jobs, spans: InMemorySpanExporter) -> None:
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(spans))
    stop = instrument_jobs(jobs.events, tracer_provider=provider)
    stop()
    await jobs.enqueue(AlwaysFails())
    await jobs.drain()
    assert spans.get_finished_spans() == ()


async def test_an_app_is_instrumented_through_its_jobs_extension(
    spans: InMemorySpanExporter, tmp_path: Path
) -> None:
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(spans))
    Traced.provider = provider
    app = App(Settings(jobs=JobsSettings(backend="memory", inline=True)), root=tmp_path)
    instrument_jobs(app, tracer_provider=provider)  # before start, like on_job_event
    async with app.router.lifespan_context(app):
        await get_jobs(app).enqueue(Traced())
    assert [span.name for span in spans.get_finished_spans()] == [
        "inside the job",
        f"job {Traced.job_name()}",
    ]

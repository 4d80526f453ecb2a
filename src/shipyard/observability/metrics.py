"""Prometheus metrics of requests, jobs and database pools, and the scrape endpoint.

The instruments live in prometheus-client's default registry, once per process, so an
app's own ``Counter(...)`` shows up on the same page:

* ``shipyard_http_requests_total`` (counter) by ``method``, ``route`` and ``status``;
* ``shipyard_http_request_duration_seconds`` (histogram) by ``method`` and ``route``;
* ``shipyard_http_requests_in_progress`` (gauge);
* ``shipyard_jobs_total`` (counter) by ``queue``, ``job`` and ``event`` (enqueued,
  started, succeeded, failed, retried, dead);
* ``shipyard_job_duration_seconds`` (histogram) by ``queue`` and ``job``;
* ``shipyard_db_pool_connections`` (gauge) by ``state`` (``in_use``, ``idle``);
* ``shipyard_jobs_queue_depth`` (gauge) by ``queue`` and ``state``, read from the jobs
  backend at each scrape;
* ``shipyard_cache_operations_total`` (counter) by ``backend`` and ``result`` (``hit``,
  ``miss``, ``set``, ``computation``), from the caches of this process;
* ``shipyard_realtime_connections`` (gauge) by ``kind`` (``sse``, ``websocket``): the
  event streams and WebSockets this process holds open;
* ``shipyard_mails_total`` (counter) by ``backend`` and ``outcome`` (``sent``,
  ``failed``): the mails this process handed to its mail backend, or failed to.

``route`` is the route template (``/ships/{ship_id}``), never the raw path, and a request
no route matched counts as ``<unmatched>``; unusual methods count as ``OTHER``: what a
client sends cannot grow the number of series.

With several worker processes, ``PROMETHEUS_MULTIPROC_DIR`` (``shipyard run`` sets it to
a fresh folder when it starts more than one worker) makes every process write its values
there and the scrape add them up, whichever worker answers it.
"""

from __future__ import annotations

import hmac
import os
import weakref
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector

from shipyard.cache.registry import CACHES
from shipyard.db.extension import DATABASE
from shipyard.jobs.backend import QueueStats
from shipyard.jobs.events import JobEvent
from shipyard.jobs.extension import JOBS as JOBS_SERVICE
from shipyard.mail.tally import MAILS
from shipyard.observability.logs import get_logger
from shipyard.observability.request_tally import (
    DURATION_HELP,
    DURATION_NAME,
    IN_PROGRESS_HELP,
    IN_PROGRESS_NAME,
    METHODS,
    REQUESTS_HELP,
    REQUESTS_NAME,
    UNMATCHED,
    RequestTally,
)
from shipyard.realtime.connections import OPEN as OPEN_CONNECTIONS

if TYPE_CHECKING:
    from prometheus_client import Metric

    from shipyard.core.app import AppBase

logger = get_logger(__name__)

MULTIPROCESS_ENV = "PROMETHEUS_MULTIPROC_DIR"

# A worker of a multiprocess server counts requests with these (their values live in the
# shared folder); a single process counts them in HTTP_TALLY, which reports the same series.
REQUESTS = Counter(REQUESTS_NAME, REQUESTS_HELP, ["method", "route", "status"], registry=None)
REQUEST_DURATION = Histogram(DURATION_NAME, DURATION_HELP, ["method", "route"], registry=None)
IN_PROGRESS = Gauge(IN_PROGRESS_NAME, IN_PROGRESS_HELP, multiprocess_mode="livesum", registry=None)
HTTP_TALLY = RequestTally()
REGISTRY.register(HTTP_TALLY)

JOBS = Counter("shipyard_jobs", "Job lifecycle events.", ["queue", "job", "event"])
JOB_DURATION = Histogram("shipyard_job_duration_seconds", "Time a job run took.", ["queue", "job"])


def request_recorder() -> RequestTally | PrometheusRecorder:
    """What counts this process's requests: :data:`HTTP_TALLY`, or in a worker of a
    multiprocess server (``PROMETHEUS_MULTIPROC_DIR``) prometheus-client's instruments."""
    return PrometheusRecorder() if os.environ.get(MULTIPROCESS_ENV) else HTTP_TALLY


class PrometheusRecorder:
    """What the request-context middleware calls around each request, in a worker of a
    multiprocess server.

    The labelled children of a (method, route, status) are looked up once and kept: the
    set is small and fixed (route templates, a closed set of methods, HTTP statuses).
    """

    def __init__(self) -> None:
        self.children: dict[tuple[str, str, int], tuple[Any, Any]] = {}

    def started(self) -> None:
        """A request came in."""
        IN_PROGRESS.inc()

    def finished(self, method: str, route: str | None, status: int, seconds: float) -> None:
        """A request was answered: count it and its duration."""
        IN_PROGRESS.dec()
        key = (method if method in METHODS else "OTHER", route or UNMATCHED, status)
        children = self.children.get(key)
        if children is None:
            children = self.children[key] = (
                REQUESTS.labels(key[0], key[1], str(status)),
                REQUEST_DURATION.labels(key[0], key[1]),
            )
        children[0].inc()
        children[1].observe(seconds)


def record_job_event(event: JobEvent) -> None:
    """Count one job lifecycle event (a callback on the app's job events)."""
    queue, name = event.job.queue, event.job.name
    JOBS.labels(queue, name, event.kind).inc()
    if event.duration is not None and event.kind in ("succeeded", "failed"):
        JOB_DURATION.labels(queue, name).observe(event.duration)


class PoolCollector(Collector):
    """Connections in use and idle, over the database pools of this process's apps."""

    def __init__(self) -> None:
        self.apps: weakref.WeakSet[AppBase] = weakref.WeakSet()

    def collect(self) -> Iterator[Metric]:
        family = GaugeMetricFamily(
            "shipyard_db_pool_connections", "Database pool connections.", labels=["state"]
        )
        in_use = idle = 0
        for app in list(self.apps):
            database = DATABASE.find(app)
            if database is None:  # not started, or stopped
                continue
            pool = database.engine.sync_engine.pool
            in_use += int(getattr(pool, "checkedout", lambda: 0)())
            idle += int(getattr(pool, "checkedin", lambda: 0)())
        family.add_metric(["in_use"], in_use)
        family.add_metric(["idle"], idle)
        yield family


POOLS = PoolCollector()
REGISTRY.register(POOLS)


CACHE_RESULTS = {"hits": "hit", "misses": "miss", "sets": "set", "computations": "computation"}
"""``CacheStats`` field -> the ``result`` label."""


class CacheCollector(Collector):
    """Hits, misses, writes and computations of the caches of this process's apps."""

    def __init__(self) -> None:
        self.apps: weakref.WeakSet[AppBase] = weakref.WeakSet()

    def collect(self) -> Iterator[Metric]:
        family = CounterMetricFamily(
            "shipyard_cache_operations", "Cache reads, writes and computations.",
            labels=["backend", "result"],
        )  # fmt: skip
        totals: dict[tuple[str, str], int] = {}
        for app in list(self.apps):
            registry = CACHES.find(app)
            for name, cache in (registry.caches if registry is not None else {}).items():
                for field, count in cache.stats.as_dict().items():
                    key = (name, CACHE_RESULTS[field])
                    totals[key] = totals.get(key, 0) + count
        for (backend, result), count in sorted(totals.items()):
            family.add_metric([backend, result], count)
        yield family


CACHE_STATS = CacheCollector()
REGISTRY.register(CACHE_STATS)


class RealtimeCollector(Collector):
    """The event streams and WebSockets open in this process, read at scrape time."""

    def collect(self) -> Iterator[Metric]:
        family = GaugeMetricFamily(
            "shipyard_realtime_connections", "Open realtime connections.", labels=["kind"]
        )
        for kind, count in sorted(OPEN_CONNECTIONS.items()):
            family.add_metric([kind], count)
        yield family


REALTIME_CONNECTIONS = RealtimeCollector()
REGISTRY.register(REALTIME_CONNECTIONS)


class MailCollector(Collector):
    """The mails this process sent and failed to send, by backend, read at scrape time."""

    def collect(self) -> Iterator[Metric]:
        family = CounterMetricFamily(
            "shipyard_mails", "Mails handed to the mail backend.", labels=["backend", "outcome"]
        )
        for (backend, outcome), count in sorted(MAILS.items()):
            family.add_metric([backend, outcome], count)
        yield family


MAIL_OUTCOMES = MailCollector()
REGISTRY.register(MAIL_OUTCOMES)


def exposition() -> bytes:
    """The text every scrape gets: this process's metrics, or every worker's added up."""
    if os.environ.get(MULTIPROCESS_ENV):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        registry.register(POOLS)
        registry.register(CACHE_STATS)
        registry.register(REALTIME_CONNECTIONS)
        registry.register(MAIL_OUTCOMES)
        return generate_latest(registry)
    return generate_latest(REGISTRY)


def allowed(app: AppBase, request: Request) -> bool:
    """Whether this request may read the metrics (see ``metrics.token``)."""
    token = app.settings.metrics.token
    if token is None:
        return not app.settings.is_production
    sent = request.headers.get("authorization", "")
    expected = "Bearer " + token.get_secret_value()
    return hmac.compare_digest(sent.encode(), expected.encode())


class QueueDepth(Collector):
    """``shipyard_jobs_queue_depth``: jobs per queue and state, read from the backend.

    Read at scrape time from the jobs backend all workers share, so every worker answers
    the same figure (nothing to add up across processes).
    """

    def __init__(self, stats: Sequence[QueueStats]) -> None:
        self.stats = stats

    def collect(self) -> Iterator[Metric]:
        family = GaugeMetricFamily(
            "shipyard_jobs_queue_depth", "Jobs per queue and state.", labels=["queue", "state"]
        )
        for queue in self.stats:
            for state, count in sorted(queue.counts.items()):
                family.add_metric([queue.queue, state], count)
        yield family


async def queue_depth(app: AppBase) -> bytes:
    """The queue-depth family for an app with jobs (nothing if its backend fails)."""
    jobs = JOBS_SERVICE.find(app)
    if jobs is None:
        return b""
    try:
        stats = await jobs.backend.stats()
    except Exception as error:  # a scrape must not fail because the jobs backend is down
        logger.warning(  # one line, no traceback: a scraper asks every few seconds
            "could not read the job queues' depth",
            error=f"{type(error).__name__}: {error}".splitlines()[0],
            hint="is the jobs backend reachable, and its tables made (shipyard db upgrade)?",
        )
        return b""
    registry = CollectorRegistry()
    registry.register(QueueDepth(stats))
    return generate_latest(registry)


async def scrape(request: Request) -> Response:
    """The metrics page, to a scraper the settings allow (404 to anyone else)."""
    if not allowed(request.app, request):
        raise HTTPException(status_code=404)
    page = exposition() + await queue_depth(request.app)
    return Response(page, media_type=CONTENT_TYPE_LATEST, headers={"Cache-Control": "no-store"})


def metrics_router(app: AppBase) -> APIRouter:
    """The scrape route at ``metrics.path``."""
    router = APIRouter(include_in_schema=False)
    router.add_api_route(app.settings.metrics.path, scrape, methods=["GET"], name="metrics")
    return router


def mark_process_gone() -> None:
    """Drop this process's live gauges from a multiprocess folder (at shutdown)."""
    if os.environ.get(MULTIPROCESS_ENV):
        multiprocess.mark_process_dead(os.getpid())  # type: ignore[no-untyped-call]

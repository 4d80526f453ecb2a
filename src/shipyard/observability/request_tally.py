"""The request metrics of a single-process server: plain integers, turned into Prometheus
families only when a scraper asks.

prometheus-client's labelled instruments take a lock and walk a few layers of Python for
every ``inc`` and ``observe``; for the three request metrics that was a third of what the
default access line and metrics cost a trivial request (``BENCHMARKS.md``, issue 22).
:class:`RequestTally` keeps the same series as counts in dictionaries and lists (a request
is one dictionary lookup, a bisection and three additions, all on the event loop's thread)
and is itself the :class:`~prometheus_client.registry.Collector` that reports them under
the same names, labels and buckets as the instruments would.

Workers of a multiprocess server (``PROMETHEUS_MULTIPROC_DIR`` set) keep prometheus-client's
instruments, whose values live in the shared files the scrape adds up
(:class:`~shipyard.observability.metrics.PrometheusRecorder`).
"""

from __future__ import annotations

import bisect
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

from prometheus_client import Histogram, Metric
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
)
from prometheus_client.registry import Collector
from prometheus_client.utils import floatToGoString

METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
"""Methods counted by name; any other counts as ``OTHER``."""
UNMATCHED = "<unmatched>"
"""The ``route`` of a request no route matched."""
BUCKETS: tuple[float, ...] = tuple(Histogram.DEFAULT_BUCKETS)
"""The duration buckets' upper bounds, ``+Inf`` last (prometheus-client's defaults)."""
BUCKET_LABELS: tuple[str, ...] = tuple(
    floatToGoString(bound)  # type: ignore[no-untyped-call]  # untyped in prometheus-client
    for bound in BUCKETS
)
"""The ``le`` label of each bucket, written as prometheus-client writes it."""

REQUESTS_NAME = "shipyard_http_requests"
REQUESTS_HELP = "HTTP requests answered."
DURATION_NAME = "shipyard_http_request_duration_seconds"
DURATION_HELP = "Time from request to the end of the response."
IN_PROGRESS_NAME = "shipyard_http_requests_in_progress"
IN_PROGRESS_HELP = "Requests being served."


@dataclass(slots=True)
class _Durations:
    """One ``(method, route)`` histogram: a count per bucket (not cumulative) and the sum."""

    counts: list[int] = field(default_factory=lambda: [0] * len(BUCKETS))
    total: float = 0.0

    def cumulative(self) -> list[tuple[str, float]]:
        running = 0
        buckets = []
        for label, count in zip(BUCKET_LABELS, self.counts, strict=True):
            running += count
            buckets.append((label, float(running)))
        return buckets


@dataclass(slots=True)
class _Count:
    """One ``(method, route, status)`` counter, and when its first request was counted."""

    created: float
    value: int = 0


class RequestTally(Collector):
    """Counts requests by method, route and status, and their durations (see the module)."""

    def __init__(self) -> None:
        self.in_progress = 0
        self._series: dict[tuple[str, str, int], tuple[_Count, _Durations]] = {}
        self._durations: dict[tuple[str, str], _Durations] = {}

    def started(self) -> None:
        """A request came in."""
        self.in_progress += 1

    def finished(self, method: str, route: str | None, status: int, seconds: float) -> None:
        """A request was answered: count it and its duration."""
        self.in_progress -= 1
        key = (method if method in METHODS else "OTHER", route or UNMATCHED, status)
        series = self._series.get(key)
        if series is None:
            series = self._add_series(*key)
        series[0].value += 1
        durations = series[1]
        durations.counts[bisect.bisect_left(BUCKETS, seconds)] += 1
        durations.total += seconds

    def _add_series(self, method: str, route: str, status: int) -> tuple[_Count, _Durations]:
        """The counter and histogram a request of this kind adds to, made on first use."""
        now = time.time()
        durations = self._durations.setdefault((method, route), _Durations())
        series = self._series[(method, route, status)] = (_Count(now), durations)
        return series

    def collect(self) -> Iterator[Metric]:
        """The three families, as prometheus-client's instruments would report them."""
        requests = CounterMetricFamily(
            REQUESTS_NAME, REQUESTS_HELP, labels=["method", "route", "status"]
        )
        for (method, route, status), (count, _) in sorted(self._series.items()):
            requests.add_metric([method, route, str(status)], count.value, created=count.created)
        yield requests
        durations = HistogramMetricFamily(DURATION_NAME, DURATION_HELP, labels=["method", "route"])
        for (method, route), histogram in sorted(self._durations.items()):
            durations.add_metric([method, route], histogram.cumulative(), histogram.total)
        yield durations
        yield GaugeMetricFamily(IN_PROGRESS_NAME, IN_PROGRESS_HELP, value=self.in_progress)

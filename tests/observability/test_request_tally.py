"""The single-process request metrics report exactly what prometheus-client's instruments
would for the same requests, and a client cannot grow their series."""

from __future__ import annotations

import pytest
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.parser import text_string_to_metric_families

from shipyard.observability import metrics
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

REQUESTS = [
    ("GET", "/ships/{ship_id}", 200, 0.003),
    ("GET", "/ships/{ship_id}", 200, 0.25),
    ("GET", "/ships/{ship_id}", 404, 0.005),
    ("POST", "/ships", 500, 7.5),
    ("PROPFIND", None, 405, 42.0),
    ("BREW", None, 405, 0.0),
]


def _samples(page: bytes) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample but the ``_created`` timestamps: (name, sorted labels) -> value."""
    found = {}
    for family in text_string_to_metric_families(page.decode()):
        for sample in family.samples:
            if not sample.name.endswith("_created"):
                found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def test_the_tally_reports_what_the_instruments_report() -> None:
    instruments = CollectorRegistry()
    counter = Counter(REQUESTS_NAME, REQUESTS_HELP, ["method", "route", "status"], registry=None)
    histogram = Histogram(DURATION_NAME, DURATION_HELP, ["method", "route"], registry=None)
    gauge = Gauge(IN_PROGRESS_NAME, IN_PROGRESS_HELP, registry=None)
    for instrument in (counter, histogram, gauge):
        instruments.register(instrument)
    tallied = CollectorRegistry()
    tally = RequestTally()
    tallied.register(tally)

    for method, route, status, seconds in REQUESTS:
        tally.started()
        tally.finished(method, route, status, seconds)
        label = method if method in METHODS else "OTHER"
        counter.labels(label, route or UNMATCHED, str(status)).inc()
        histogram.labels(label, route or UNMATCHED).observe(seconds)
    tally.started()  # one request still being served
    gauge.inc()

    expected = _samples(generate_latest(instruments))
    assert _samples(generate_latest(tallied)) == expected
    unusual = (("method", "OTHER"), ("route", UNMATCHED), ("status", "405"))
    assert expected[(f"{REQUESTS_NAME}_total", unusual)] == 2
    assert expected[(IN_PROGRESS_NAME, ())] == 1


def test_unusual_methods_share_one_series() -> None:
    tally = RequestTally()
    for number in range(500):
        tally.started()
        tally.finished(f"M{number}", "/", 200, 0.01)
    counts = {
        name: value
        for (name, labels), value in _samples(generate_latest(_registry(tally))).items()
        if name == f"{REQUESTS_NAME}_total"
    }
    assert list(counts.values()) == [500]


def _registry(tally: RequestTally) -> CollectorRegistry:
    registry = CollectorRegistry()
    registry.register(tally)
    return registry


def test_a_worker_of_a_multiprocess_server_keeps_the_shared_instruments(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(metrics.MULTIPROCESS_ENV, raising=False)
    assert metrics.request_recorder() is metrics.HTTP_TALLY
    monkeypatch.setenv(metrics.MULTIPROCESS_ENV, "/tmp/not-used-here")
    assert isinstance(metrics.request_recorder(), metrics.PrometheusRecorder)

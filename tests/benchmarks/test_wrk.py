"""Parsing wrk's ``--latency`` report, including reports that lack the needed lines."""

from __future__ import annotations

import pytest
from benchmarks.wrk import WrkOutputError, parse

REPORT = """\
Running 10s test @ http://127.0.0.1:8000/json
  1 threads and 64 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     2.01ms  300.00us   1.20s    90.00%
    Req/Sec    32.00k     1.00k   34.00k    80.00%
  Latency Distribution
     50%  950.00us
     75%    2.10ms
     90%    2.30ms
     99%    1.50s
  320000 requests in 10.00s, 45.00MB read
{extra}Requests/sec:  32001.50
Transfer/sec:      4.50MB
"""


def test_parses_rate_and_percentiles_in_any_unit() -> None:
    result = parse(REPORT.format(extra=""))
    assert result.requests_per_sec == 32001.5
    assert result.p50_ms == pytest.approx(0.95)
    assert result.p99_ms == pytest.approx(1500.0)
    assert result.requests == 320000
    assert result.errors == 0


def test_counts_socket_errors_and_bad_statuses() -> None:
    extra = (
        "  Socket errors: connect 1, read 2, write 3, timeout 4\n  Non-2xx or 3xx responses: 10\n"
    )
    assert parse(REPORT.format(extra=extra)).errors == 20


def test_report_without_latency_distribution_is_rejected() -> None:
    report = REPORT.format(extra="").replace("     99%    1.50s\n", "")
    with pytest.raises(WrkOutputError, match="--latency"):
        parse(report)


@pytest.mark.parametrize("report", ["", "unable to connect to 127.0.0.1:1 Connection refused"])
def test_failed_run_output_is_rejected(report: str) -> None:
    with pytest.raises(WrkOutputError):
        parse(report)

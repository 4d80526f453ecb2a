"""Parse the text report of ``wrk --latency`` into a :class:`WrkResult`.

wrk prints latencies with a unit suffix (``us``, ``ms``, ``s``) and a percentile table
when run with ``--latency``; only the figures the benchmark table needs are extracted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}
_REQUESTS_PER_SEC = re.compile(r"^Requests/sec:\s+([\d.]+)\s*$", re.MULTILINE)
_PERCENTILE = re.compile(r"^\s+(\d+(?:\.\d+)?)%\s+([\d.]+)(us|ms|s|m)\s*$", re.MULTILINE)
_TOTAL = re.compile(r"^\s+(\d+) requests in ", re.MULTILINE)
_NON_2XX = re.compile(r"^\s+Non-2xx or 3xx responses:\s+(\d+)", re.MULTILINE)
_SOCKET_ERRORS = re.compile(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")


class WrkOutputError(ValueError):
    """wrk's report did not contain the figures we need (wrong flags or a failed run)."""


@dataclass(frozen=True)
class WrkResult:
    """The figures of one wrk run; latencies in milliseconds."""

    requests_per_sec: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int
    """Socket errors plus non-2xx/3xx responses; a run with errors is not comparable."""


def parse(report: str) -> WrkResult:
    """Extract requests/sec, p50/p99 latency and error counts from a ``--latency`` report."""
    rps = _REQUESTS_PER_SEC.search(report)
    total = _TOTAL.search(report)
    percentiles = {
        float(share): float(value) * _UNIT_MS[unit]
        for share, value, unit in _PERCENTILE.findall(report)
    }
    if rps is None or total is None or 50.0 not in percentiles or 99.0 not in percentiles:
        raise WrkOutputError(
            "wrk report lacks Requests/sec or the 50%/99% latency lines "
            f"(was it run with --latency?):\n{report.strip()}"
        )
    errors = sum(int(count) for count in _NON_2XX.findall(report))
    for match in _SOCKET_ERRORS.findall(report):
        errors += sum(int(count) for count in match)
    return WrkResult(
        requests_per_sec=float(rps.group(1)),
        p50_ms=percentiles[50.0],
        p99_ms=percentiles[99.0],
        requests=int(total.group(1)),
        errors=errors,
    )

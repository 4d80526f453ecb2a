"""Render benchmark results: the machine description and one table per case group.

The same rows go to the terminal (a rich table) and to Markdown (``--output``), so the
figures pasted into BENCHMARKS.md are exactly the ones printed.
"""

from __future__ import annotations

import os
import platform
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from rich.console import Console
from rich.table import Table

from benchmarks.wrk import WrkResult

LIBRARIES = ("shipyard", "fastapi", "starlette", "litestar", "pydantic", "uvicorn", "granian")
HEADERS = (
    "case",
    "server",
    "workers",
    "req/s",
    "ratio",
    "req/s range",
    "p50 ms",
    "p99 ms",
    "errors",
)


@dataclass(frozen=True)
class Row:
    """One case and its measurements, one per round."""

    case: str
    server: str
    workers: int
    results: Sequence[WrkResult]

    @property
    def median(self) -> WrkResult:
        """The round with the (lower) median req/s: a real run, so its latencies match."""
        ranked = sorted(self.results, key=lambda result: result.requests_per_sec)
        return ranked[(len(ranked) - 1) // 2]

    @property
    def spread(self) -> str:
        """Lowest and highest req/s over the rounds: how noisy the machine was."""
        rates = [result.requests_per_sec for result in self.results]
        return f"{min(rates):,.0f}-{max(rates):,.0f}"


@dataclass(frozen=True)
class Group:
    """A table: rows compared against the row named ``baseline``."""

    title: str
    baseline: str
    rows: Sequence[Row]


def _cells(group: Group) -> list[list[str]]:
    base = next((row for row in group.rows if row.case == group.baseline), None)
    cells = []
    for row in group.rows:
        result = row.median
        ratio = f"{result.requests_per_sec / base.median.requests_per_sec:.2f}" if base else "-"
        cells.append(
            [
                row.case,
                row.server,
                str(row.workers),
                f"{result.requests_per_sec:,.0f}",
                ratio,
                row.spread,
                f"{result.p50_ms:.2f}",
                f"{result.p99_ms:.2f}",
                str(sum(run.errors for run in row.results)),
            ]
        )
    return cells


def print_group(console: Console, group: Group) -> None:
    """Print one group as a rich table (ratio = req/s divided by the baseline's)."""
    table = Table(title=f"{group.title} (ratio vs {group.baseline})")
    for header in HEADERS:
        table.add_column(header, justify="left" if header in ("case", "server") else "right")
    for cells in _cells(group):
        table.add_row(*cells)
    console.print(table)


def markdown_group(group: Group) -> str:
    """One group as a Markdown table with a heading."""
    align = ["---" if h in ("case", "server") else "---:" for h in HEADERS]
    lines = [
        f"### {group.title}",
        "",
        f"Ratio = requests/sec divided by `{group.baseline}`'s.",
        "",
        "| " + " | ".join(HEADERS) + " |",
        "| " + " | ".join(align) + " |",
    ]
    lines += ["| " + " | ".join(cells) + " |" for cells in _cells(group)]
    return "\n".join(lines)


def _library_version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "not installed"


def _cpu_model() -> str:
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown CPU"


def wrk_version(wrk: str) -> str:
    """``wrk 4.1.0 [epoll]``: wrk prints its version in the first line of ``-v``."""
    completed = subprocess.run([wrk, "-v"], capture_output=True, text=True, check=False)
    first = (completed.stdout or completed.stderr).splitlines()
    return " ".join(first[0].split()[:3]) if first else "wrk (unknown version)"


def machine_info(wrk: str, pinning: str) -> dict[str, str]:
    """What the figures depend on: CPU, OS, Python, library versions, pinning, load."""
    one, five, _ = os.getloadavg()
    return {
        "CPU": f"{_cpu_model()}, {os.cpu_count()} logical CPUs",
        "OS": platform.platform(),
        "Python": f"{platform.python_implementation()} {platform.python_version()}",
        "Libraries": ", ".join(f"{name} {_library_version(name)}" for name in LIBRARIES),
        "Load generator": wrk_version(wrk),
        "CPU pinning": pinning,
        "Load average before the run (1 min, 5 min)": f"{one:.2f}, {five:.2f}",
    }


def markdown_machine(info: dict[str, str]) -> str:
    """The machine description as a Markdown bullet list."""
    return "\n".join(f"- **{key}**: {value}" for key, value in info.items())


START = "<!-- benchmark-results:start -->"
END = "<!-- benchmark-results:end -->"


def write(path: Path, markdown: str) -> None:
    """Write ``markdown`` to ``path``, only between the result markers if it has them.

    So ``--output BENCHMARKS.md`` refreshes the figures and keeps the prose around them.
    """
    text = path.read_text() if path.exists() else ""
    start, end = text.find(START), text.find(END)
    if 0 <= start < end:
        markdown = f"{text[: start + len(START)]}\n{markdown}{text[end:]}"
    path.write_text(markdown)

"""Render benchmark results: the machine description and one table per case group.

The same rows go to the terminal (a rich table) and to Markdown (``--output``), so the
figures pasted into BENCHMARKS.md are exactly the ones printed. The single-table probes
(``benchmarks.scaffold``, ``benchmarks.startup``) share :func:`probe_markdown`,
:func:`output_option` and :func:`run_probe`: measure, print, rewrite their region.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from rich.console import Console
from rich.table import Table

from benchmarks.wrk import WrkResult

LIBRARIES = (
    "shipyard",
    "fastapi",
    "starlette",
    "litestar",
    "django",
    "jinja2",
    "pydantic",
    "uvicorn",
    "granian",
)
HEADERS = (
    "case",
    "server",
    "workers",
    "req/s",
    "ratio",
    "req/s range",
    "req/CPU-s",
    "CPU ratio",
    "server CPU",
    "p50 ms",
    "p99 ms",
    "errors",
)
SIZE_HEADER = "body bytes"
"""The extra column of groups whose runs record their body size (the pages)."""
LEFT = ("case", "server")


@dataclass(frozen=True)
class Measurement:
    """One measured run: wrk's figures and the CPU time the server used meanwhile."""

    wrk: WrkResult
    seconds: float
    """Wall-clock length of the measured wrk run."""
    server_cpu_seconds: float
    """User + system CPU time of the server and its workers during the run."""
    body_bytes: int | None = None
    """Size of the response body, recorded where apps return different markup."""

    @property
    def per_cpu_second(self) -> float:
        """Requests served per CPU-second: the cost per request, robust to CPU contention."""
        return self.wrk.requests / max(self.server_cpu_seconds, 1e-9)


@dataclass(frozen=True)
class Row:
    """One case and its measurements, one per round."""

    case: str
    server: str
    workers: int
    runs: Sequence[Measurement]

    @property
    def median(self) -> Measurement:
        """The round with the (lower) median req/s: a real run, so its latencies match."""
        ranked = sorted(self.runs, key=lambda run: run.wrk.requests_per_sec)
        return ranked[(len(ranked) - 1) // 2]

    @property
    def per_cpu_second(self) -> float:
        """The (lower) median over the rounds of requests per server CPU-second."""
        ranked = sorted(run.per_cpu_second for run in self.runs)
        return ranked[(len(ranked) - 1) // 2]

    def cells(self, base: Row | None, sized: bool = False) -> list[str]:
        """The table cells; ratios are against ``base`` ("-" without one).

        ``sized`` adds the median run's body size (``SIZE_HEADER``).
        """
        run = self.median
        rates = [run.wrk.requests_per_sec for run in self.runs]
        ratio = cpu_ratio = "-"
        if base is not None:
            ratio = f"{run.wrk.requests_per_sec / base.median.wrk.requests_per_sec:.2f}"
            cpu_ratio = f"{self.per_cpu_second / base.per_cpu_second:.2f}"
        return [
            self.case,
            self.server,
            str(self.workers),
            f"{run.wrk.requests_per_sec:,.0f}",
            ratio,
            f"{min(rates):,.0f}-{max(rates):,.0f}",
            f"{self.per_cpu_second:,.0f}",
            cpu_ratio,
            f"{run.server_cpu_seconds / run.seconds:.0%}",
            f"{run.wrk.p50_ms:.2f}",
            f"{run.wrk.p99_ms:.2f}",
            str(sum(run.wrk.errors for run in self.runs)),
        ] + ([f"{run.body_bytes:,}" if run.body_bytes is not None else "-"] if sized else [])


@dataclass(frozen=True)
class Group:
    """A table: rows compared against the row named ``baseline``."""

    title: str
    baseline: str
    rows: Sequence[Row]

    @property
    def sized(self) -> bool:
        """True when some run recorded its body size: the table gets that column."""
        return any(run.body_bytes is not None for row in self.rows for run in row.runs)

    @property
    def headers(self) -> tuple[str, ...]:
        """The column headers, with ``SIZE_HEADER`` for sized groups."""
        return (*HEADERS, SIZE_HEADER) if self.sized else HEADERS

    def cells(self) -> list[list[str]]:
        """One list of cells per row."""
        base = next((row for row in self.rows if row.case == self.baseline), None)
        return [row.cells(base, self.sized) for row in self.rows]


def print_group(console: Console, group: Group) -> None:
    """Print one group as a rich table (ratio = req/s divided by the baseline's)."""
    table = Table(title=f"{group.title} (ratio vs {group.baseline})")
    for header in group.headers:
        table.add_column(header, justify="left" if header in LEFT else "right")
    for cells in group.cells():
        table.add_row(*cells)
    console.print(table)


def markdown_group(group: Group) -> str:
    """One group as a Markdown table with a heading."""
    align = ["---" if header in LEFT else "---:" for header in group.headers]
    lines = [
        f"### {group.title}",
        "",
        f"Ratios are against `{group.baseline}`.",
        "",
        "| " + " | ".join(group.headers) + " |",
        "| " + " | ".join(align) + " |",
    ]
    lines += ["| " + " | ".join(cells) + " |" for cells in group.cells()]
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


# pymdownx.snippets section markers: the docs site can include just this part, and
# including the whole file strips them.
SECTION = "results"
"""The default marked region (the JSON groups); the page figures have ``pages``."""


def markers(section: str = SECTION) -> tuple[str, str]:
    """The start and end markers of a named region."""
    return f"<!-- --8<-- [start:{section}] -->", f"<!-- --8<-- [end:{section}] -->"


START, END = markers()


def has_region(path: Path, section: str) -> bool:
    """Whether ``path`` exists and holds the ``section`` markers (``--output`` needs them)."""
    first, last = markers(section)
    text = path.read_text() if path.exists() else ""
    return 0 <= text.find(first) < text.find(last)


def write(path: Path, markdown: str, section: str = SECTION) -> None:
    """Write ``markdown`` to ``path``, only between the ``section`` markers if it has them.

    So ``--output BENCHMARKS.md`` refreshes the figures and keeps the prose around them.
    """
    first, last = markers(section)
    text = path.read_text() if path.exists() else ""
    start, end = text.find(first), text.find(last)
    if 0 <= start < end:
        markdown = f"{text[: start + len(first)]}\n{markdown}{text[end:]}"
    path.write_text(markdown)


def output_option(parser: argparse.ArgumentParser, section: str) -> None:
    """Add ``--output PATH``: also write the ``section`` region of that file."""
    parser.add_argument("--output", type=Path, help=f"also write the {section!r} region here")


def probe_info(details: dict[str, str]) -> dict[str, str]:
    """A probe's machine lines: when, which Python, ``details``, then the load average."""
    one, five, _ = os.getloadavg()
    return {
        "Measured": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "Python": sys.version.split()[0],
        **details,
        "Load average (1 min, 5 min)": f"{one:.2f}, {five:.2f}",
    }


def median_cells(values: Sequence[float], unit: str, digits: int) -> str:
    """Two table cells: the median with its unit, then every run (``1.10 s | 0.90, 1.30``)."""
    runs = ", ".join(f"{value:.{digits}f}" for value in values)
    return f"{statistics.median(values):.{digits}f} {unit} | {runs}"


def probe_markdown(
    details: dict[str, str], figure: str, goal: str, rows: Sequence[tuple[str, str, str]]
) -> str:
    """A probe's region: its machine lines (:func:`probe_info`), then one table.

    The columns are measure, ``figure``, runs and ``goal``; each row gives the measure,
    the figure and runs cells (one string, as :func:`median_cells` makes) and the goal.
    """
    lines = [
        markdown_machine(probe_info(details)),
        "",
        f"| measure | {figure} | runs | {goal} |",
        "| --- | ---: | ---: | ---: |",
    ]
    lines += [f"| {name} | {cells} | {target} |" for name, cells, target in rows]
    return "\n".join(lines) + "\n"


def run_probe(
    output: Path | None,
    section: str,
    render: Callable[[], str],
    failure: type[Exception],
) -> int:
    """Measure and print a probe's region (``render``), and write it to ``output``.

    An ``output`` without the ``section`` markers is refused before measuring, and a
    ``failure`` is one line on stderr: both exit 1.
    """
    if output is not None and not has_region(output, section):
        print(f"error: {output} has no {markers(section)[0]} region", file=sys.stderr)
        return 1
    try:
        text = render()
    except failure as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(text)
    if output is not None:
        write(output, text, section)
        print(f"wrote {output}")
    return 0

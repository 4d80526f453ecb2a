"""The jobs figures as a rich table and as Markdown, with ratios against Shipyard.

Every ratio is the system's figure divided by Shipyard's on the same store (the
:data:`~benchmarks.jobs.adapter.BASELINES` row): above 1 means a higher rate, or a
longer latency.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.console import Console
from rich.table import Table

from benchmarks.jobs.adapter import BASELINES
from benchmarks.jobs.driver import Figures

HEADERS = (
    "system",
    "store",
    "enqueue/s",
    "ratio",
    "bulk enqueue/s",
    "ratio",
    "processed/s",
    "ratio",
    "p50 ms",
    "ratio",
    "p99 ms",
    "ratio",
)
LEFT = ("system", "store")


@dataclass(frozen=True)
class Failed:
    """A system that could not be measured, and why."""

    system: str
    store: str
    reason: str


def _pair(row: Figures, base: Figures | None, field: str, digits: int) -> list[str]:
    """``field`` of ``row`` and its ratio to ``base``'s ("-" where there is none)."""
    value: float | None = getattr(row, field)
    if value is None:
        return ["-", "-"]
    against: float | None = None if base is None else getattr(base, field)
    ratio = f"{value / against:.2f}" if against else "-"
    return [f"{value:,.{digits}f}", ratio]


def rows(results: Sequence[Figures | Failed]) -> list[list[str]]:
    """One list of cells per system; ratios against its store's Shipyard row."""
    figures = {row.system: row for row in results if isinstance(row, Figures)}
    cells: list[list[str]] = []
    for row in results:
        if isinstance(row, Failed):
            cells.append([row.system, row.store, f"failed: {row.reason}", *["-"] * 9])
            continue
        base = figures.get(BASELINES[row.store])
        cells.append(
            [
                row.system,
                row.store,
                *_pair(row, base, "enqueue", 0),
                *_pair(row, base, "enqueue_bulk", 0),
                *_pair(row, base, "processed", 0),
                *_pair(row, base, "p50_ms", 2),
                *_pair(row, base, "p99_ms", 2),
            ]
        )
    return cells


def print_table(console: Console, title: str, results: Sequence[Figures | Failed]) -> None:
    """The figures as a rich table."""
    table = Table(title=title)
    for header in HEADERS:
        table.add_column(header, justify="left" if header in LEFT else "right")
    for cells in rows(results):
        table.add_row(*cells)
    console.print(table)


def markdown(title: str, results: Sequence[Figures | Failed], notes: Sequence[str]) -> str:
    """The figures as a Markdown table under ``title``, then ``notes`` as a list."""
    align = ["---" if header in LEFT else "---:" for header in HEADERS]
    lines = [
        f"### {title}",
        "",
        "Ratios are the system's figure over Shipyard's on the same store "
        "(`shipyard-redis` for Redis, `shipyard-db` for PostgreSQL): above 1 is a higher "
        "rate, or a longer latency.",
        "",
        "| " + " | ".join(HEADERS) + " |",
        "| " + " | ".join(align) + " |",
        *("| " + " | ".join(cells) + " |" for cells in rows(results)),
        "",
        *(f"- {note}" for note in notes),
    ]
    return "\n".join(lines)

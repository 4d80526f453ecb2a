"""The result tables: median round, ratio to the baseline, spread and error totals."""

from __future__ import annotations

from pathlib import Path

import pytest
from benchmarks.report import (
    END,
    START,
    Group,
    Measurement,
    Row,
    markdown_group,
    markers,
    probe_markdown,
    run_probe,
    write,
)
from benchmarks.wrk import WrkResult


def run(rate: float, cpu: float = 10.0, p50: float = 1.0, errors: int = 0) -> Measurement:
    wrk = WrkResult(rate, p50_ms=p50, p99_ms=p50 * 3, requests=int(rate) * 10, errors=errors)
    return Measurement(wrk, seconds=10.0, server_cpu_seconds=cpu)


def test_median_round_ratios_spread_cpu_and_errors() -> None:
    base = Row("fastapi", "uvicorn", 1, [run(1000, cpu=10.0, p50=5.0)])
    other = Row(
        "shipyard",
        "uvicorn",
        1,
        [run(900, cpu=9.0), run(700, cpu=5.0, p50=2.0, errors=1), run(1, cpu=0.1)],
    )
    lines = markdown_group(Group("Frameworks", "fastapi", [base, other])).splitlines()
    # 700 req/s is the median round; per CPU-second: 1000, 1400, 100 -> median 1000.
    assert lines[-2] == (
        "| fastapi | uvicorn | 1 | 1,000 | 1.00 | 1,000-1,000 | 1,000 | 1.00 | 100% "
        "| 5.00 | 15.00 | 0 |"
    )
    assert lines[-1] == (
        "| shipyard | uvicorn | 1 | 700 | 0.70 | 1-900 | 1,000 | 1.00 | 50% | 2.00 | 6.00 | 1 |"
    )


def test_missing_baseline_prints_no_ratio() -> None:
    row = Row("granian-w1", "granian", 1, [run(5, cpu=0.0)])
    table = markdown_group(Group("Servers", "uvicorn-w1", [row]))
    assert "| granian-w1 | granian | 1 | 5 | - | 5-5 |" in table
    assert "| - | 0% |" in table


def test_write_replaces_only_the_marked_region(tmp_path: Path) -> None:
    target = tmp_path / "BENCHMARKS.md"
    target.write_text(f"# Intro\n{START}\nold figures\n{END}\nOutro\n")
    write(target, "new figures\n")
    assert target.read_text() == f"# Intro\n{START}\nnew figures\n{END}\nOutro\n"


@pytest.mark.parametrize("existing", [None, "no markers here\n", f"{END}\nreversed\n{START}\n"])
def test_write_without_usable_markers_writes_the_whole_file(
    tmp_path: Path, existing: str | None
) -> None:
    target = tmp_path / "results.md"
    if existing is not None:
        target.write_text(existing)
    write(target, "figures\n")
    assert target.read_text() == "figures\n"


def test_sized_group_adds_the_body_size_column() -> None:
    sized = Measurement(run(100).wrk, seconds=10.0, server_cpu_seconds=10.0, body_bytes=2345)
    rows = [Row("page-fastapi", "uvicorn", 1, [sized]), Row("page-x", "uvicorn", 1, [run(50)])]
    lines = markdown_group(Group("Pages", "page-fastapi", rows)).splitlines()
    assert lines[4].endswith("| errors | body bytes |")
    assert lines[-2].endswith("| 0 | 2,345 |")
    assert lines[-1].endswith("| 0 | - |")


def test_write_to_a_named_region_keeps_the_others(tmp_path: Path) -> None:
    first, last = markers("pages")
    target = tmp_path / "BENCHMARKS.md"
    target.write_text(f"{START}\njson\n{END}\n{first}\nold\n{last}\n")
    write(target, "pages\n", "pages")
    assert target.read_text() == f"{START}\njson\n{END}\n{first}\npages\n{last}\n"


def test_probe_markdown_lists_the_machine_then_one_table() -> None:
    text = probe_markdown(
        {"App": "demo"}, "median", "target", [("load", "1.50 s | 1.00, 2.00", "-")]
    )
    lines = text.splitlines()
    assert lines[0].startswith("- **Measured**: ")
    assert lines[2] == "- **App**: demo"
    assert lines[3].startswith("- **Load average (1 min, 5 min)**: ")
    assert lines[-3:] == [
        "| measure | median | runs | target |",
        "| --- | ---: | ---: | ---: |",
        "| load | 1.50 s | 1.00, 2.00 | - |",
    ]


class ProbeFailed(Exception):
    """A probe's own error."""


def test_a_failing_probe_is_one_line_and_leaves_the_output_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first, last = markers("probe")
    target = tmp_path / "BENCHMARKS.md"
    target.write_text(f"{first}\nold\n{last}\n")

    def render() -> str:
        raise ProbeFailed("the server did not answer")

    assert run_probe(target, "probe", render, ProbeFailed) == 1
    assert capsys.readouterr().err == "error: the server did not answer\n"
    assert target.read_text() == f"{first}\nold\n{last}\n"

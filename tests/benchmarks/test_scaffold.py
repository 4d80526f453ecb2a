"""The generators probe makes, scaffolds, tests and serves a real project, and writes its region.

Nothing is timed: the smoke test runs the probe once on a tiny table and checks what it
measured is real (the generated tests passed, every request answered a full page).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.benchmarks.probe_checks import (
    assert_refuses_a_file_without_its_region,
    assert_writes_only_its_region,
    refuse_to_measure,
)

from benchmarks import scaffold

RESULT = scaffold.Result(
    scaffold_seconds=10.0,
    tests_seconds=20.0,
    tests_passed=36,
    first_page_ms=[10.0, 12.0, 14.0],
    deep_page_ms=[11.0, 13.0, 15.0],
)


@pytest.mark.slow
def test_one_run_scaffolds_tests_and_pages_a_fresh_project() -> None:
    result = scaffold.measure(scaffold.Config(rows=300, depth=200, runs=2))

    assert result.tests_passed > 10
    assert result.scaffold_seconds > 0
    assert result.tests_seconds > 0
    assert len(result.first_page_ms) == len(result.deep_page_ms) == 2
    assert all(value > 0 for value in result.first_page_ms + result.deep_page_ms)


def test_the_table_shows_the_goal_and_medians() -> None:
    text = scaffold.markdown(RESULT, scaffold.Config(runs=3))

    assert "| scaffold to green tests | 30.0 s | 1 | < 60 s |" in text
    assert "| `pytest` in the project (36 passed) | 20.0 s | 1 | - |" in text
    assert "| `GET /books`, page at depth 100,000 (cursor) | 13.0 ms | 11.0, 13.0, 15.0 |" in text


def test_output_replaces_only_the_scaffold_region(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(scaffold, "measure", lambda config: RESULT)
    assert_writes_only_its_region(
        scaffold.main, scaffold.SECTION, tmp_path, "| scaffold to green tests |"
    )


def test_output_without_the_region_is_refused_before_measuring(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(scaffold, "measure", refuse_to_measure)
    assert_refuses_a_file_without_its_region(scaffold.main, scaffold.SECTION, tmp_path, capsys)


@pytest.mark.parametrize(
    "argv", [["--runs", "0"], ["--depth", "0"], ["--rows", "50", "--depth", "40"], ["--runs", "x"]]
)
def test_bad_arguments_are_refused(argv: list[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        scaffold.parse_args(argv)
    assert exit_info.value.code == 2

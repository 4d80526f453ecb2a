"""The startup probe measures a real showcase server and writes its own region.

Nothing is timed: the smoke test only checks that one run of the probe started the
showcase, got its page and produced positive figures.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.benchmarks.probe_checks import (
    assert_refuses_a_file_without_its_region,
    assert_writes_only_its_region,
    refuse_to_measure,
)

from benchmarks import startup


def test_one_run_starts_the_showcase_and_measures_it() -> None:
    (sample,) = startup.measure(startup.Config(runs=1, idle_seconds=0.1))
    assert sample.status == 200
    assert sample.first_response_seconds > 0
    assert sample.import_seconds > 0
    assert sample.import_cpu_seconds > 0
    assert sample.idle_rss_mb > 0


SAMPLES = [startup.Sample(0.9, 0.5, 0.4, 80.0, 200), startup.Sample(1.3, 0.7, 0.6, 90.0, 200)]


def test_the_table_shows_medians_runs_and_targets() -> None:
    text = startup.markdown(SAMPLES, startup.Config(runs=2))
    assert "| first response (spawn to `GET /` 200) | 1.10 s | 0.90, 1.30 | < 1 s |" in text
    assert "| idle worker RSS | 85.00 MB | 80.00, 90.00 | < 100 MB |" in text


def test_output_replaces_only_the_startup_region(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(startup, "measure", lambda config: SAMPLES)
    assert_writes_only_its_region(startup.main, startup.SECTION, tmp_path, "| idle worker RSS |")


def test_output_without_the_region_is_refused_before_measuring(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(startup, "measure", refuse_to_measure)
    assert_refuses_a_file_without_its_region(startup.main, startup.SECTION, tmp_path, capsys)


@pytest.mark.parametrize("argv", [["--runs", "0"], ["--idle", "-1"], ["--runs", "x"]])
def test_bad_options_are_refused(argv: list[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        startup.parse_args(argv)
    assert exit_info.value.code == 2

"""The startup probe measures a real showcase server and writes its own region.

Nothing is timed: the smoke test only checks that one run of the probe started the
showcase, got its page and produced positive figures.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks import report, startup


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
    first, last = report.markers(startup.SECTION)
    output = tmp_path / "BENCHMARKS.md"
    output.write_text(f"prose before\n{first}\nold figures\n{last}\nprose after\n")
    assert startup.main(["--output", str(output)]) == 0
    text = output.read_text()
    assert text.startswith("prose before\n")
    assert text.endswith("prose after\n")
    assert "old figures" not in text
    assert "| idle worker RSS |" in text


def test_output_without_the_region_is_refused_before_measuring(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def refuse(config: startup.Config) -> list[startup.Sample]:
        raise AssertionError("measured although the output cannot take the figures")

    monkeypatch.setattr(startup, "measure", refuse)
    output = tmp_path / "notes.md"
    output.write_text("my notes\n")
    assert startup.main(["--output", str(output)]) == 1
    assert output.read_text() == "my notes\n"
    assert "[start:startup]" in capsys.readouterr().err


@pytest.mark.parametrize("argv", [["--runs", "0"], ["--idle", "-1"], ["--runs", "x"]])
def test_bad_options_are_refused(argv: list[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        startup.parse_args(argv)
    assert exit_info.value.code == 2

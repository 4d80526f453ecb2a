"""The realtime benchmark works end to end at a small size, on both apps: every client
is subscribed, every event reaches every client, and the table has a row per app."""

from __future__ import annotations

from pathlib import Path

from benchmarks.realtime import markdown, run_app


def test_a_small_run_measures_both_apps(tmp_path: Path) -> None:
    results = [
        run_app(app, clients=4, events=3, workdir=tmp_path) for app in ("shipyard", "baseline")
    ]
    for result in results:
        assert len(result.latencies_ms) == 4 * 3
        assert all(latency > 0 for latency in result.latencies_ms)
        assert len(result.last_client_ms) == 3
        assert result.rss_after_mb > 0
    table = markdown(results)
    assert "| shipyard |" in table
    assert "| baseline |" in table

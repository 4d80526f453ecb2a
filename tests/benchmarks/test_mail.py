"""The mail benchmark delivers to a real local SMTP server and writes its own region.

Nothing is timed: the smoke test checks that one small run of every case delivers every
mail and counts the connections it opened.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.benchmarks.probe_checks import (
    assert_refuses_a_file_without_its_region,
    assert_writes_only_its_region,
    refuse_to_measure,
)

from benchmarks import mail


def test_one_small_run_of_every_case_delivers_every_mail() -> None:
    results = {result.case: result for result in mail.measure(mail.Config(mails=12))}
    assert set(results) == {"shipyard-queued", "shipyard-batch", "fastapi-mail"}
    assert all(result.mails == 12 and result.seconds > 0 for result in results.values())
    assert results["shipyard-batch"].connections == 1
    assert results["shipyard-queued"].connections >= 1
    assert results["fastapi-mail"].connections == 12  # one per send_message


SAMPLE = [mail.Result("shipyard-batch", 1000, 2.0, 1, "send_mails: one connection")]


def test_the_table_shows_rate_total_and_connections() -> None:
    text = mail.markdown(SAMPLE, mail.Config())
    assert "| shipyard-batch | 500 | 2.00 s | 1 | send_mails: one connection |" in text


def test_output_replaces_only_the_mail_region(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(mail, "measure", lambda config: SAMPLE)
    assert_writes_only_its_region(mail.main, mail.SECTION, tmp_path, "| shipyard-batch |")


def test_output_without_the_region_is_refused_before_measuring(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(mail, "measure", refuse_to_measure)
    assert_refuses_a_file_without_its_region(mail.main, mail.SECTION, tmp_path, capsys)

"""The instruction-count probe: its in-process driver, callgrind's totals, its region.

Nothing is timed and valgrind is not run here: the driver is run without it (the switch
is a recorder), and the table is rendered from canned counts.
"""

from __future__ import annotations

import asyncio
import gc
import shutil
from pathlib import Path

import pytest
from tests.benchmarks.probe_checks import (
    assert_refuses_a_file_without_its_region,
    assert_writes_only_its_region,
)

from benchmarks import instructions, page_data


@pytest.mark.parametrize(
    "name",
    ["fastapi", "shipyard", "quiet-without-RateLimitMiddleware", "quiet-without-any-middleware"],
)
def test_the_driver_counts_only_the_requested_requests(name: str) -> None:
    switches: list[bool] = []
    variant = instructions.BY_NAME[name]
    served = instructions.Served(variant.build())
    statuses = asyncio.run(instructions.drive(served, 7, switches.append))
    assert statuses == [200] * 7
    assert switches == [True, False]


@pytest.mark.parametrize("name", ["auth-none", "auth-session", "auth-jwt", "auth-api-key"])
def test_an_auth_variant_is_set_up_and_sends_its_credential(name: str, tmp_path: Path) -> None:
    """``current_user`` answers 401 without a valid credential: 200s prove it was sent."""
    variant = instructions.BY_NAME[name]
    switches: list[bool] = []

    async def serve() -> tuple[instructions.Served, list[int]]:
        served = await variant.prepared(tmp_path)
        return served, await instructions.drive(served, 3, switches.append)

    served, statuses = asyncio.run(serve())
    assert statuses == [200] * 3
    assert bool(served.credentials) is (name != "auth-none")
    with pytest.raises(instructions.InstructionsError, match="prepared"):
        variant.build()


@pytest.mark.parametrize("name", ["page-fastapi", "page", "page-quiet"])
def test_a_page_variant_sends_the_cookies_of_its_first_visit(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(page_data.SCRATCH_ENV, str(tmp_path))
    variant = instructions.BY_NAME[name]
    seen: list[dict[str, object]] = []

    async def serve() -> list[int]:
        served = await variant.prepared(tmp_path)
        app = served.app

        async def recording(scope: dict[str, object], receive: object, send: object) -> None:
            if scope["type"] == "http":
                seen.append(scope)
            await app(scope, receive, send)

        return await instructions.drive(
            instructions.Served(recording, served.path, first_visit=True), 3, lambda on: None
        )

    assert asyncio.run(serve()) == [200] * 3
    first, later = seen[0], seen[-1]
    assert first["path"] == later["path"] == page_data.PATH
    assert not [v for k, v in first["headers"] if k == b"cookie"]  # type: ignore[attr-defined]
    cookie = b"".join(v for k, v in later["headers"] if k == b"cookie")  # type: ignore[attr-defined]
    assert b"=" in cookie  # the session cookie the first visit was given


def test_the_counted_requests_run_with_the_start_up_heap_frozen() -> None:
    """A full collection of the whole app must not fall into one counted run only."""
    frozen: list[int] = []

    async def serve() -> list[int]:
        served = await instructions.BY_NAME["quiet"].prepared(Path("."))
        return await instructions.drive(served, 2, lambda on: frozen.append(gc.get_freeze_count()))

    assert asyncio.run(serve()) == [200, 200]
    assert frozen[0] > 0
    assert gc.get_freeze_count() == 0


def test_a_variant_drops_only_the_middleware_it_names() -> None:
    app = instructions.BY_NAME["quiet-without-RateLimitMiddleware"].build()
    names = [entry.cls.__name__ for entry in app.middleware_plan.stack()]
    assert "RateLimitMiddleware" not in names
    assert "SessionMiddleware" in names
    assert (
        instructions.BY_NAME["quiet-without-any-middleware"].build().middleware_plan.stack() == []
    )


def test_totals_are_read_from_the_callgrind_file() -> None:
    assert instructions.totals("events: Ir\nsummary: 0\ntotals: 123456\n") == 123456
    with pytest.raises(instructions.InstructionsError, match="no totals"):
        instructions.totals("events: Ir\n")


COUNTS = {
    "fastapi": 300_000,
    "shipyard": 750_000,
    "quiet": 640_000,
    "quiet-without-CsrfMiddleware": 630_000,
}


def test_the_table_shows_ratios_and_layer_costs() -> None:
    text = instructions.markdown(COUNTS, 100)
    assert "| fastapi | 300,000 | 1.00 | - |" in text
    assert "| shipyard | 750,000 | 2.50 | - |" in text
    assert "| quiet-without-CsrfMiddleware | 630,000 | 2.10 | 10,000 |" in text
    assert "(300 - 100) / 200" in text
    assert "auth-none / variant" not in text


def test_the_auth_and_page_rows_are_ratios_to_their_own_baselines() -> None:
    counts = {
        **COUNTS,
        "auth-none": 700_000,
        "auth-jwt": 1_400_000,
        "page": 2_200_000,
        "page-quiet": 2_000_000,
    }
    text = instructions.markdown(counts, 100)
    assert "| auth-jwt | 1,400,000 | 0.50 |" in text
    assert "| auth-none | 700,000 | 1.00 |" in text
    assert "| page | 2,200,000 | 0.91 |" in text
    assert "| page-quiet | 2,000,000 | 1.00 |" in text
    assert "| page | 2,200,000 | 7.33 |" not in text  # not in the FastAPI table


def test_the_page_rows_compare_with_the_fastapi_page_when_it_was_counted() -> None:
    counts = {**COUNTS, "page-fastapi": 1_100_000, "page": 2_200_000, "page-quiet": 2_000_000}
    text = instructions.markdown(counts, 100)
    assert "against `page-fastapi`" in text
    assert "| page-fastapi | 1,100,000 | 1.00 |" in text
    assert "| page | 2,200,000 | 0.50 |" in text
    assert "| page-quiet | 2,000,000 | 0.55 |" in text


def test_output_replaces_only_its_region(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        instructions, "measure", lambda names, requests, progress: instructions.markdown(COUNTS, 1)
    )
    assert_writes_only_its_region(
        instructions.main, instructions.SECTION, tmp_path, "| shipyard | 750,000 |"
    )


def test_output_without_the_region_is_refused_before_counting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def refuse(*_args: object) -> str:
        raise AssertionError("counted although the output cannot take the figures")

    monkeypatch.setattr(instructions, "measure", refuse)
    assert_refuses_a_file_without_its_region(
        instructions.main, instructions.SECTION, tmp_path, capsys
    )


def test_a_missing_valgrind_is_one_clear_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(shutil, "which", lambda _name: None)
    assert instructions.main(["--variants", "shipyard"]) == 1
    assert "valgrind is not installed" in capsys.readouterr().err


@pytest.mark.parametrize("argv", [["--variants", "nope"], ["--requests", "0"], ["--drive", "x"]])
def test_bad_options_are_refused(argv: list[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        instructions.parse_args(argv)
    assert exit_info.value.code == 2

"""Checks shared by the tests of the single-table probes (``benchmarks.scaffold``, ``.startup``).

Each test replaces the probe's ``measure`` (canned figures, or :func:`refuse_to_measure`)
and hands its ``main`` and region name here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from benchmarks import report

Main = Callable[[Sequence[str] | None], int]


def refuse_to_measure(config: object) -> object:
    """A ``measure`` for tests where the probe must stop before measuring."""
    raise AssertionError("measured although the output cannot take the figures")


def assert_writes_only_its_region(main: Main, section: str, folder: Path, line: str) -> None:
    """``--output`` gets the new figures (with ``line``) between the markers, prose kept."""
    first, last = report.markers(section)
    output = folder / "BENCHMARKS.md"
    output.write_text(f"prose before\n{first}\nold figures\n{last}\nprose after\n")

    assert main(["--output", str(output)]) == 0

    text = output.read_text()
    assert text.startswith(f"prose before\n{first}\n")
    assert text.endswith(f"{last}\nprose after\n")
    assert "old figures" not in text
    assert line in text


def assert_refuses_a_file_without_its_region(
    main: Main, section: str, folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Exit 1, the file untouched, and the error names the missing marker."""
    output = folder / "notes.md"
    output.write_text("my notes\n")

    assert main(["--output", str(output)]) == 1

    assert output.read_text() == "my notes\n"
    assert f"[start:{section}]" in capsys.readouterr().err

"""The showcase's own tests (those `shipyard scaffold` wrote into examples/showcase/tests) pass.

They run as a user runs them: `pytest` in the showcase's folder, with its own pytest
settings and the Shipyard plugin, on a fresh SQLite file the plugin migrates first.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.scaffold.support import run_in

from .conftest import SHOWCASE


@pytest.mark.slow
def test_the_showcase_s_generated_tests_pass(tmp_path: Path) -> None:
    output = run_in(
        SHOWCASE,
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        env={
            "SHIPYARD_DATABASE__URL": f"sqlite+aiosqlite:///{tmp_path / 'test.db'}",
            "SHIPYARD_MAIL__FILE_DIR": str(tmp_path / "mail"),
        },
    )

    assert " passed" in output, output

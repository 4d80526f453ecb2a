"""``shipyard check``: uploads.W001 (no virus scanner when deploying), uploads.E001 (an
address clamd cannot have)."""

from __future__ import annotations

from pathlib import Path

import pytest

from shipyard import App, Settings
from shipyard.config.sections.uploads import UploadSettings
from shipyard.core.checks import run_checks
from shipyard.uploads import UploadsExtension


def _found(tmp_path: Path, clamd: str | None, *, deploy: bool) -> set[str]:
    settings = Settings(profile="test", uploads=UploadSettings(clamd=clamd))
    app = App(settings, root=tmp_path, extensions=[UploadsExtension()])
    return {f.id for f in run_checks(app, deploy=deploy) if f.id.startswith("uploads.")}


@pytest.mark.parametrize(
    ("clamd", "deploy", "found"),
    [
        (None, True, {"uploads.W001"}),
        (None, False, set()),
        ("unix:/run/clamav/clamd.ctl", True, set()),
        ("tcp://127.0.0.1:3310", True, set()),
        ("127.0.0.1:3310", False, {"uploads.E001"}),
        ("tcp://nohost", True, {"uploads.E001"}),
    ],
)
def test_uploads_checks(tmp_path: Path, clamd: str | None, deploy: bool, found: set[str]) -> None:
    assert _found(tmp_path, clamd, deploy=deploy) == found

"""The check framework: stable ids, extension findings, silencing, deploy-only checks."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pytest

from shipyard import App, Settings
from shipyard.core.app import AppBase
from shipyard.core.checks import Finding, run_checks
from shipyard.extension import Extension


class Billing(Extension):
    name = "billing"

    def checks(self, app: AppBase, *, deploy: bool) -> Iterable[Finding]:
        yield Finding("billing.I001", "info", "billing runs in test mode")
        if deploy:
            yield Finding("billing.E001", "error", "no API key", "set billing.key")


def make_app(tmp_path: Path, **settings: object) -> App:
    configured = Settings(**settings)
    return App(settings=configured, root=tmp_path, extensions=[Billing()])


def ids(app: App, **options: object) -> list[str]:
    return [finding.id for finding in run_checks(app, **options)]  # type: ignore[arg-type]


def test_findings_come_from_extensions_errors_first(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    assert ids(app) == ["billing.I001"]
    deploy = ids(app, deploy=True)
    assert deploy[:2] == ["billing.E001", "core.E001"]
    levels = [finding.level for finding in run_checks(app, deploy=True)]
    assert levels == sorted(levels, key=["error", "warning", "info"].index)


def test_the_production_profile_runs_the_deploy_checks(tmp_path: Path) -> None:
    app = make_app(tmp_path, profile="production", app={"secret_key": "k" * 40})
    found = ids(app)
    assert "billing.E001" in found
    assert "core.E001" not in found  # a real secret key


def test_silenced_ids_from_settings_and_arguments(tmp_path: Path) -> None:
    app = make_app(tmp_path, app={"silenced_checks": ["billing.I001"]})
    assert ids(app) == []
    assert "db.W001" not in ids(app, deploy=True, silenced=["db.W001"])


def test_memory_jobs_backend_is_an_error_before_going_live(tmp_path: Path) -> None:
    app = make_app(tmp_path, jobs={"backend": "memory"})
    assert "jobs.E001" in ids(app, deploy=True)
    assert "jobs.E001" not in ids(app)


@pytest.mark.parametrize(
    ("finding_id", "level"), [("db.E001", "warning"), ("DB.W001", "warning"), ("db.W1", "warning")]
)
def test_ids_must_be_stable_names_matching_their_level(finding_id: str, level: str) -> None:
    with pytest.raises(ValueError, match="must look like"):
        Finding(finding_id, level, "message")  # type: ignore[arg-type]

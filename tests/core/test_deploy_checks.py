"""`shipyard check --deploy`: every going-live rule, failing and passing.

A production-ready set of settings has none of the rules' findings; each case changes
one setting of it and its rule (and only a finding with that id) must appear.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from shipyard import App, Settings
from shipyard.core.checks import run_checks

READY: dict[str, dict[str, Any]] = {
    "app": {"secret_key": "x7Qp2LmZ9vR4tY8wB1nC6dF3gH5jK0sA", "base_url": "https://example.com"},
    "mail": {"backend": "smtp", "smtp": {"host": "smtp.example.com"}},
    "database": {"url": "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"},
    "server": {"proxy_headers": True, "workers": 1},
    "ratelimit": {"storage": "redis"},
    "metrics": {"token": "a-long-random-metrics-token"},
}
RULES = {
    "core.E001",
    "core.E002",
    "core.E003",
    "core.E004",
    "core.E005",
    "core.W001",
    "core.I001",
    "db.W001",
    "db.W004",
    "jobs.E001",
    "observability.I001",
    "ratelimit.W001",
    "ratelimit.W002",
    "security.W001",
    "security.W002",
    "security.W003",
    "sessions.W001",
    "web.W001",
}
SQLITE = {"url": "sqlite+aiosqlite:///var/app.db"}
CASES: list[tuple[str, dict[str, dict[str, Any]]]] = [
    ("core.E001", {"app": {"secret_key": "too-short"}}),
    ("core.E002", {"app": {"debug": True}}),
    ("core.E003", {"app": {"base_url": "http://example.com"}}),
    ("core.E004", {"app": {"allowed_hosts": ["*"]}}),
    ("core.E005", {"mail": {"backend": "console"}}),
    ("core.W001", {"server": {"proxy_headers": False}}),
    ("core.I001", {"server": {"forwarded_allow_ips": "10.0.0.2, *"}}),
    ("db.W001", {"database": SQLITE, "jobs": {"backend": "redis"}}),
    ("db.W004", {"database": SQLITE, "server": {"workers": 3}}),
    ("jobs.E001", {"jobs": {"backend": "memory"}}),
    ("observability.I001", {"metrics": {"token": None}}),
    ("ratelimit.W001", {"ratelimit": {"storage": "memory"}}),
    ("ratelimit.W002", {"ratelimit": {"storage": "memory"}, "server": {"workers": 4}}),
    ("security.W001", {"security": {"hsts": False}}),
    ("security.W002", {"security": {"csp_preset": "development"}}),
    ("security.W002", {"security": {"csp": {"script-src": "'self' 'unsafe-inline'"}}}),
    ("security.W003", {"security": {"enabled": False}}),
    ("sessions.W001", {"sessions": {"secure": False}}),
    ("web.W001", {"web": {"max_body_size": 64 * 2**20}}),
]


def deploy_findings(tmp_path: Path, changes: dict[str, dict[str, Any]]) -> set[str]:
    sections = {name: {**READY.get(name, {}), **values} for name, values in changes.items()}
    settings = Settings(**(READY | sections))
    app = App(settings=settings, root=tmp_path)
    return {finding.id for finding in run_checks(app, deploy=True)} & RULES


def test_production_ready_settings_pass_every_rule(tmp_path: Path) -> None:
    assert deploy_findings(tmp_path, {}) == set()


@pytest.mark.parametrize(("rule", "changes"), CASES, ids=[f"{rule}" for rule, _ in CASES])
def test_each_rule_fails_on_its_setting(
    tmp_path: Path, rule: str, changes: dict[str, dict[str, Any]]
) -> None:
    found = deploy_findings(tmp_path, changes)
    assert rule in found
    if rule == "db.W004":
        assert found == {"db.W001", "db.W004"}  # SQLite, and several writers
    elif rule == "ratelimit.W002":
        assert found == {"ratelimit.W002"}  # the several-workers case replaces W001
    elif rule != "db.W001":
        assert found == {rule}


def test_every_rule_is_documented() -> None:
    documented = (Path(__file__).parents[2] / "docs" / "checks.md").read_text()
    assert {rule for rule in RULES if f"`{rule}`" not in documented} == set()
    assert {rule for rule, _ in CASES} == RULES

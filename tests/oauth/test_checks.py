"""The extension's checks: no providers (oauth.W001), a provider without TLS (oauth.E001)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from shipyard import App, Settings
from shipyard.auth import AuthExtension
from shipyard.auth.oauth import OAuthExtension
from shipyard.core.checks import run_checks

SECURE = {"kind": "github", "client_id": "a", "client_secret": "b"}
PLAIN = {
    "kind": "oidc",
    "client_id": "a",
    "client_secret": "b",
    "discovery_url": "http://id.example/.well-known/openid-configuration",
}


def findings(tmp_path: Path, providers: dict[str, Any], *, deploy: bool) -> set[str]:
    settings = Settings(oauth={"providers": providers})
    app = App(settings=settings, root=tmp_path, extensions=[AuthExtension(), OAuthExtension()])
    return {f.id for f in run_checks(app, deploy=deploy) if f.id.startswith("oauth.")}


def test_no_providers(tmp_path: Path) -> None:
    assert findings(tmp_path, {}, deploy=False) == {"oauth.W001"}


def test_a_provider_without_tls_fails_deploy_checks_only(tmp_path: Path) -> None:
    assert findings(tmp_path, {"company": PLAIN}, deploy=False) == set()
    assert findings(tmp_path, {"company": PLAIN, "github": SECURE}, deploy=True) == {"oauth.E001"}
    assert findings(tmp_path, {"github": SECURE}, deploy=True) == set()

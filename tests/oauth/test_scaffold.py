"""`shipyard scaffold oauth2`: a project made by `shipyard new` offers sign-in with the
provider, its own tests pass, its code passes ruff and mypy, and the steps are printed."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.cli.support import run_shipyard
from tests.scaffold.support import check_quality, new_project, run_in, scaffold

pytestmark = pytest.mark.slow


def test_github_then_an_oidc_provider(tmp_path: Path) -> None:
    root = new_project(tmp_path, accounts=True)
    said = scaffold(root, "oauth2", "github").stdout
    assert "https://github.com/settings/applications/new" in said
    assert "http://127.0.0.1:8000/auth/oauth/github/callback" in said
    assert "GITHUB_CLIENT_SECRET" in said
    scaffold(root, "oauth2", "oidc", "--name", "company-id")
    main = (root / "app" / "main.py").read_text()
    assert main.count("OAuthExtension()") == 1
    settings = (root / "config" / "settings.toml").read_text()
    assert 'client_secret = "secret://env/COMPANY_ID_CLIENT_SECRET"' in settings
    assert "discovery_url" in settings
    run_in(
        root,
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        "tests/test_oauth_github.py",
        "tests/test_oauth_company_id.py",
        env={"SHIPYARD_PROFILE": "test"},
    )
    check_quality(root, tmp_path)


def test_refused_without_accounts_or_twice(tmp_path: Path) -> None:
    (tmp_path / "bare").mkdir()
    (tmp_path / "accounts").mkdir()
    bare = new_project(tmp_path / "bare")
    result = run_shipyard("scaffold", "oauth2", "github", cwd=bare)
    assert result.returncode != 0
    assert "AuthExtension" in result.stdout + result.stderr
    root = new_project(tmp_path / "accounts", accounts=True)
    scaffold(root, "oauth2", "google")
    again = run_shipyard("scaffold", "oauth2", "google", cwd=root)
    assert again.returncode != 0
    assert "already configures" in again.stdout + again.stderr

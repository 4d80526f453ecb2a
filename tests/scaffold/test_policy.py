"""`shipyard scaffold policy`: an owner policy for a model that references User, a
signed-in-users policy otherwise; the file imports, registers and passes ruff."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from tests.cli.support import run_shipyard
from tests.scaffold.support import new_project, run_in, scaffold


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = new_project(tmp_path_factory.mktemp("policy"), accounts=True)
    scaffold(root, "model", "Post", "title:string", "author:references:User")
    scaffold(root, "model", "Tag", "label:string")
    return root


CHECK = """
from shipyard.authz import policies
from shipyard.testing import assert_can, assert_cannot, identity_with
from app.{package}.models import {model}
from app.{package}.policy import {model}Policy

assert policies.policy_for({model}) is not None
row = {model}(id=1, **{owner})
assert_can(identity_with(user_id=1), "update", row)
assert_cannot(None, "update", row)
assert_cannot(None, "create", {model})
{extra}
print("ok")
"""


def test_owner_policy_for_a_model_referencing_user(project: Path) -> None:
    scaffold(project, "policy", "Post")
    text = (project / "app/posts/policy.py").read_text()
    assert "class PostPolicy(Policy[Post]):" in text
    assert "post.author_id == identity.user.id" in text
    assert "def on_create" in text
    extra = 'assert_cannot(identity_with(user_id=2), "delete", row)'
    check = CHECK.format(package="posts", model="Post", owner={"author_id": 1}, extra=extra)
    run_in(project, "ruff", "check", "--no-cache", "app/posts/policy.py")
    assert _python(project, check).strip() == "ok"


def test_signed_in_policy_otherwise(project: Path) -> None:
    scaffold(project, "policy", "Tag")
    text = (project / "app/tags/policy.py").read_text()
    assert "class TagPolicy(Policy[Tag]):" in text
    assert "on_create" not in text
    extra = 'assert_can(identity_with(user_id=2), "delete", row)'
    check = CHECK.format(package="tags", model="Tag", owner={}, extra=extra)
    assert _python(project, check).strip() == "ok"


@pytest.mark.parametrize(
    ("model", "message"),
    [("Writer", "there is no model Writer"), ("User", "User is Shipyard's model")],
)
def test_refuses_unknown_models_and_user(project: Path, model: str, message: str) -> None:
    result = run_shipyard("scaffold", "policy", model, cwd=project, timeout=120)
    assert result.returncode == 1
    assert message in result.stderr


def _python(root: Path, source: str) -> str:
    """Run ``source`` with the project as the working directory (its ``app`` importable)."""
    result = subprocess.run(  # the test's own fixed command
        [sys.executable, "-c", source], cwd=root, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout

"""The policy registry's decisions without HTTP: missing policies and actions, ``before``,
inactive users, token scopes, the ``missing_policy`` setting, registration mistakes."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select
from tests.authz.policies.models import NotePolicy, PolicyBoard, PolicyNote, PolicyTag

from shipyard import App, Settings
from shipyard.auth import Identity
from shipyard.authz import Policy, authorize, can, can_any, policies, scoped
from shipyard.core.checks import run_checks
from shipyard.core.problems import HTTPProblem
from shipyard.errors import ShipyardError
from shipyard.testing import (
    assert_can,
    assert_cannot,
    assert_policy_matrix,
    identity_with,
    policy_matrix,
)


def identity(
    user_id: int = 1,
    *,
    roles: dict[str, list[str]] | None = None,
    active: bool = True,
    scopes: set[str] | None = None,
) -> Identity:
    permissions = [item for granted in (roles or {}).values() for item in granted]
    return identity_with(
        permissions,
        user_id=user_id,
        roles=list(roles or {}),
        active=active,
        scopes=scopes,
        method="session" if scopes is None else "jwt",
    )


@pytest.fixture
def allow_missing() -> Iterator[None]:
    policies.missing = "allow"
    yield
    policies.missing = "deny"


def where(statement: Any) -> str:
    return str(statement.compile()).partition("WHERE")[2].strip()


def note(owner: int | None) -> PolicyNote:
    return PolicyNote(id=7, title="t", secret="s", owner_id=owner)


def test_rules_answer_per_action_and_owner() -> None:
    ann, bob = identity(1), identity(2)
    assert can(ann, "view", note(1))
    assert can(ann, "update", note(1))
    assert not can(bob, "view", note(1))
    assert not can(bob, "delete", note(1))
    assert not can(None, "view", note(1))
    assert can(ann, "create", PolicyNote)
    assert not can(None, "create", PolicyNote)


def test_before_hook_and_roles() -> None:
    admin = identity(3, roles={"notes-admin": ["notes:*"]})
    assert can(admin, "delete", note(1))
    assert can(admin, "anything_at_all", note(1))
    editor = identity(1, roles={"editor": []})
    assert can(editor, "publish", note(1))
    assert not can(identity(1), "publish", note(1))
    assert can_any(identity(1), ["publish", "update"], note(1))
    assert not can_any(identity(2), ["publish", "update"], note(1))


def test_missing_action_and_missing_policy_deny_by_default() -> None:
    board = PolicyBoard(id=1, name="b", owner_id=1)
    assert not can(identity(1), "delete", board)  # BoardPolicy has no delete
    assert not can(identity(1), "view", PolicyTag(id=1, label="x"))
    assert where(scoped(select(PolicyTag), identity(1))) == "false"


def test_missing_policy_setting_allow(allow_missing: None) -> None:
    assert can(identity(1), "view", PolicyTag(id=1, label="x"))
    assert can(identity(1), "delete", PolicyBoard(id=1, name="b", owner_id=1))


def test_inactive_users_may_do_nothing() -> None:
    admin = identity(3, roles={"notes-admin": ["notes:*"]}, active=False)
    assert not can(admin, "view", note(3))


def test_token_scopes_narrow_policies() -> None:
    reader = identity(1, scopes={"policy_notes:read"})
    assert can(reader, "view", note(1))
    assert not can(reader, "update", note(1))
    writer = identity(1, scopes={"policy_notes:*"})
    assert can(writer, "update", note(1))
    # a token never exceeds its user: scopes do not add what the rules refuse
    assert not can(identity(2, scopes={"*"}), "update", note(1))
    assert where(scoped(select(PolicyNote), identity(1, scopes={"policy_boards:read"}))) == "false"
    assert "owner_id" in where(
        scoped(select(PolicyNote), identity(1, scopes={"policy_notes:read"}))
    )


def test_authorize_raises_the_policy_status() -> None:
    with pytest.raises(HTTPProblem) as hidden:
        authorize(identity(2), "update", note(1))
    assert hidden.value.status_code == 404
    assert hidden.value.detail == "There is no policynote 7."
    with pytest.raises(HTTPProblem) as refused:
        authorize(identity(2), "update", PolicyBoard(id=4, name="b", owner_id=1))
    assert refused.value.status_code == 403
    authorize(identity(1), "update", note(1))


def test_denials_are_logged_as_events(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="shipyard.authz"):
        assert not can(identity(2), "update", note(1))  # a question: not logged
        with pytest.raises(HTTPProblem):
            authorize(identity(2), "update", note(1))
    (record,) = [item for item in caplog.records if item.getMessage() == "authorization denied"]
    fields: Any = record.__dict__
    assert (fields["user_id"], fields["action"], fields["model"]) == (2, "update", "PolicyNote")
    assert fields["object_id"] is None or fields["object_id"] == 7
    assert fields["reason"] == "NotePolicy.update"


def test_registration_mistakes() -> None:
    with pytest.raises(ShipyardError, match="already has the policy"):

        class Again(Policy[PolicyNote]):
            pass

    with pytest.raises(ShipyardError, match="403 or 404"):

        class Wrong(Policy[PolicyTag], register=False):
            deny_status = 500

    with pytest.raises(ShipyardError, match="invalid action"):
        can(identity(1), "Drop Table", note(1))
    assert NotePolicy.actions() == ["create", "delete", "publish", "update", "view"]
    assert policies.policy_for(PolicyTag) is None


def test_testing_helpers_report_decisions() -> None:
    assert_can(identity(1), "update", note(1))
    assert_cannot(None, "view", note(1))
    with pytest.raises(AssertionError, match=r"user 2 may not update: NotePolicy\.update"):
        assert_can(identity(2), "update", note(1))
    people = {
        "owner": identity(1),
        "editor": identity(1, roles={"editor": []}),
        "other": identity(2),
        "admin": identity(3, roles={"notes-admin": ["notes:*"]}),
        "anonymous": None,
    }
    every = {"create", "delete", "publish", "update", "view"}
    assert_policy_matrix(
        note(1),
        people,
        {
            "owner": {"create", "delete", "update", "view"},
            "editor": every,
            "other": {"create"},
            "admin": every,
            "anonymous": set(),
        },
    )
    with pytest.raises(AssertionError, match="policy matrix differs"):
        assert_policy_matrix(note(1), {"other": identity(2)}, {"other": {"view"}})
    assert policy_matrix(PolicyTag(id=1, label="x"), {"anyone": identity(1)}) == {"anyone": set()}


def test_missing_policy_allow_is_flagged_for_deploy(tmp_path: Any) -> None:
    allowing = Settings.model_validate({"profile": "test", "authz": {"missing_policy": "allow"}})
    try:
        app = App(settings=allowing, root=tmp_path)
        assert str(policies.missing) == "allow"  # the extension applied the setting
        ids = {finding.id for finding in run_checks(app, deploy=True)}
        assert "authz.W001" in ids
        assert "authz.W001" not in {finding.id for finding in run_checks(app, deploy=False)}
    finally:
        App(settings=Settings.model_validate({"profile": "test"}), root=tmp_path)
    assert policies.missing == "deny"

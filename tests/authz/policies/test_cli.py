"""`shipyard policies` on a tmp project: each registered policy, its rules and the roles
its ``before`` hook lets do everything (read from the app's database)."""

from __future__ import annotations

from tests.authz.policies import models
from tests.authz.test_cli import project, shipyard

__all__ = ["project"]


def test_lists_policies_rules_and_unrestricted_roles(project: str) -> None:
    assert models.NotePolicy.actions()  # declared, so registered
    assert shipyard(project, "roles", "create", "notes-admin", "-p", "notes:*")[0] == 0
    assert shipyard(project, "roles", "create", "reader", "-p", "notes:read")[0] == 0
    code, out = shipyard(project, "policies")
    assert code == 0, out
    note = out[
        out.index("PolicyNote:") : out.index("roles allowed every action", out.index("PolicyNote:"))
    ]
    assert "NotePolicy; denied: 404" in note
    assert "policy_notes:<action>" in note
    for action in ("create", "delete", "publish", "update", "view"):
        assert f"│ {action}" in note
    after = out[out.index("PolicyNote:") :]
    assert after.split("roles allowed every action: ")[1].splitlines()[0] == "notes-admin"
    board = out[out.index("PolicyBoard:") :]
    assert board.split("roles allowed every action: ")[1].splitlines()[0] == "none"


def test_an_unknown_app_is_one_error_line(project: str) -> None:
    code, out = shipyard("no_such_module_xyz:app", "policies")
    assert code == 1
    assert out.startswith("error:")

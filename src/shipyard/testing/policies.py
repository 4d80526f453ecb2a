"""Testing policies without HTTP: in-memory identities, ``assert_can`` and a policy matrix.

::

    ann = identity_with(["ships:create"], user_id=1)
    assert_can(ann, "update", Ship(id=3, name="Aurora", owner_id=1))
    assert_cannot(None, "view", Ship(id=4, name="Bounty", owner_id=2))
    assert_policy_matrix(
        Ship(id=3, name="Aurora", owner_id=1),
        {"owner": ann, "other": identity_with(user_id=2), "anonymous": None},
        {"owner": {"view", "update"}, "other": set(), "anonymous": set()},
    )

The decisions are the registry's (:data:`shipyard.authz.policies`), so ``before``, token
scopes, inactive users and missing actions count exactly as in the app.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from shipyard.auth.identity import Identity, Method
from shipyard.auth.models import Role, User
from shipyard.auth.passwords import UNUSABLE_PASSWORD_HASH
from shipyard.authz.policy import model_of
from shipyard.authz.registry import policies


def identity_with(
    permissions: Iterable[str] = (),
    *,
    user_id: int = 1,
    roles: Iterable[str] = (),
    scopes: Iterable[str] | None = None,
    active: bool = True,
    method: Method = "session",
) -> Identity:
    """An Identity of an unsaved user holding ``permissions`` (one role) and ``roles``."""
    user = User(
        id=user_id, email=f"user{user_id}@example.test", password_hash=UNUSABLE_PASSWORD_HASH
    )
    user.is_active = active
    granted = [Role(name=f"test role of user {user_id}", permissions=list(permissions))]
    granted += [Role(name=name, permissions=[]) for name in roles]
    for role in granted:
        role.is_active = True
    user.roles = granted
    return Identity(user, method, None if scopes is None else frozenset(scopes))


def _who(identity: Identity | None) -> str:
    return "anonymous" if identity is None else f"user {identity.user.id}"


def assert_can(identity: Identity | None, action: str, obj: Any) -> None:
    """Fail, with the registry's reason, unless ``identity`` may ``action`` on ``obj``."""
    decision = policies.decide(identity, action, obj, log=False)
    if not decision.allowed:
        raise AssertionError(f"{_who(identity)} may not {action}: {decision.reason}")


def assert_cannot(identity: Identity | None, action: str, obj: Any) -> None:
    """Fail if ``identity`` may ``action`` on ``obj``."""
    decision = policies.decide(identity, action, obj, log=False)
    if decision.allowed:
        raise AssertionError(f"{_who(identity)} may {action} ({decision.reason})")


def policy_matrix(
    obj: Any, identities: Mapping[str, Identity | None], actions: Iterable[str] | None = None
) -> dict[str, set[str]]:
    """The actions each named identity may do on ``obj`` (default: the policy's actions)."""
    policy = policies.policy_for(model_of(obj))
    wanted = list(actions if actions is not None else (policy.actions() if policy else []))
    return {
        name: {action for action in wanted if policies.decide(who, action, obj, log=False)}
        for name, who in identities.items()
    }


def assert_policy_matrix(
    obj: Any,
    identities: Mapping[str, Identity | None],
    expected: Mapping[str, set[str]],
    actions: Iterable[str] | None = None,
) -> None:
    """Fail, showing every difference, unless each identity may do exactly ``expected``."""
    actual = policy_matrix(obj, identities, actions)
    wrong = {
        name: {"expected": sorted(expected.get(name, set())), "actual": sorted(allowed)}
        for name, allowed in actual.items()
        if allowed != expected.get(name, set())
    }
    if wrong:
        raise AssertionError(f"policy matrix differs: {wrong}")

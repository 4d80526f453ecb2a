"""What ``shipyard policies`` prints: each policy's actions and rules, and the roles its
``before`` hook lets do everything.

A rule usually depends on the row (an owner), so roles are only tried on ``before``
with the model itself: a role listed under "every action" may do anything to any row;
for the others, the action's rule (its docstring) decides per row.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterable
from dataclasses import dataclass

from shipyard.auth.identity import Identity
from shipyard.auth.models import Role, User
from shipyard.auth.passwords import UNUSABLE_PASSWORD_HASH
from shipyard.authz.registry import policies


@dataclass(frozen=True)
class PolicyOverview:
    """One registered policy as the CLI shows it."""

    model: str
    policy: str
    deny_status: int
    resource: str
    rules: list[tuple[str, str]]
    unrestricted_roles: list[str]


def _rule(policy: object, action: str) -> str:
    doc = inspect.getdoc(getattr(policy, action)) or ""
    return doc.splitlines()[0] if doc else "(no docstring)"


def _role_identity(role: Role) -> Identity:
    user = User(id=0, email="role@overview.invalid", password_hash=UNUSABLE_PASSWORD_HASH)
    user.is_active = True
    user.roles = [role]
    return Identity(user, "session")


def overview(roles: Iterable[Role]) -> list[PolicyOverview]:
    """Every registered policy, by model name, with the active ``roles`` ``before`` allows."""
    active = [role for role in roles if role.is_active]
    result = []
    for model, policy in policies.items():
        unrestricted = [
            role.name
            for role in active
            if all(
                policy.before(_role_identity(role), action, model) is True
                for action in policy.actions()
            )
            and policy.actions()
        ]
        result.append(
            PolicyOverview(
                model=model.__name__,
                policy=f"{type(policy).__module__}.{type(policy).__qualname__}",
                deny_status=policy.deny_status,
                resource=policy.resource,
                rules=[(action, _rule(policy, action)) for action in policy.actions()],
                unrestricted_roles=unrestricted,
            )
        )
    return result

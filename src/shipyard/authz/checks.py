"""What an Identity may do: its user's active roles, narrowed by the identity's scopes.

The user's permissions are the union of the permissions of their *active* roles (an
inactive role grants nothing; a superuser is a user with a role holding ``*``). When the
identity has ``scopes`` (an API key or JWT restricted to some permissions), a required
permission must be covered by the scopes too, with the same wildcard rules.
"""

from __future__ import annotations

from collections.abc import Iterable

from shipyard.auth.identity import Identity
from shipyard.auth.models import User
from shipyard.authz.permissions import grants


def user_permissions(user: User) -> frozenset[str]:
    """Every permission granted to ``user`` by their active roles."""
    return frozenset(
        permission
        for role in user.roles
        if role.is_active
        for permission in (role.permissions or [])
    )


def allows(identity: Identity | None, required: str) -> bool:
    """True if ``identity`` holds ``required`` (anonymous and inactive users hold nothing)."""
    if identity is None or not identity.user.is_active:
        return False
    if identity.scopes is not None and not grants(identity.scopes, required):
        return False
    return grants(user_permissions(identity.user), required)


def allows_all(identity: Identity | None, required: Iterable[str]) -> bool:
    """True if ``identity`` holds every one of ``required``."""
    return all(allows(identity, permission) for permission in required)


def allows_any(identity: Identity | None, required: Iterable[str]) -> bool:
    """True if ``identity`` holds at least one of ``required``."""
    return any(allows(identity, permission) for permission in required)

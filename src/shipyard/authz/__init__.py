"""Authorization: roles holding ``resource:action`` permissions, and checking them.

Owns permission strings and wildcard matching, what an Identity may do (active roles,
narrowed by token/API-key scopes), the ``HasPermission`` family of dependencies, the
``can()`` template global and the role management functions the CLI uses. It does not
own users, roles' tables or authentication (``shipyard.auth``); object-level policies
come later.
"""

from shipyard.authz.checks import allows, allows_all, allows_any, user_permissions
from shipyard.authz.dependencies import HasAllPermissions, HasAnyPermission, HasPermission
from shipyard.authz.extension import AuthzExtension
from shipyard.authz.permissions import grants, matches, validate_permission
from shipyard.authz.roles import (
    ADMIN_ROLE,
    assign_role,
    create_role,
    find_role,
    get_role,
    grant_permission,
    list_roles,
    make_admin,
    revoke_permission,
    set_role_active,
    unassign_role,
)

__all__ = [
    "ADMIN_ROLE",
    "AuthzExtension",
    "HasAllPermissions",
    "HasAnyPermission",
    "HasPermission",
    "allows",
    "allows_all",
    "allows_any",
    "assign_role",
    "create_role",
    "find_role",
    "get_role",
    "grant_permission",
    "grants",
    "list_roles",
    "make_admin",
    "matches",
    "revoke_permission",
    "set_role_active",
    "unassign_role",
    "user_permissions",
    "validate_permission",
]

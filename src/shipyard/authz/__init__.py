"""Authorization: roles holding ``resource:action`` permissions, and checking them.

Owns permission strings and wildcard matching, what an Identity may do (active roles,
narrowed by token/API-key scopes), the ``HasPermission`` family of dependencies, the
``can()`` template global and the role management functions the CLI uses. It does not
own users, roles' tables or authentication (``shipyard.auth``).

Object-level rules live here too: ``Policy[Model]`` classes (actions, a ``before`` hook,
a list ``scope`` and field rules) in a registry by model, ``authorize``/``can``/``scoped``
for code, the ``Authorize`` dependency, ``PolicyAccess`` for API resources, token scopes
(``RequireScopes``), ``EditableFields`` for forms and the ``can``/``can_any``/``can_read``
template globals.
"""

from shipyard.authz.authorize import Authorize, EditableFields, PolicyAccess
from shipyard.authz.checks import allows, allows_all, allows_any, user_permissions
from shipyard.authz.dependencies import (
    HasAllPermissions,
    HasAnyPermission,
    HasPermission,
    RequireScopes,
)
from shipyard.authz.enforce import (
    authorize,
    authorize_new,
    can,
    can_any,
    editable_fields,
    readable_fields,
    scope_for,
    scoped,
    writable_fields,
)
from shipyard.authz.extension import AuthzExtension
from shipyard.authz.permissions import grants, matches, validate_permission
from shipyard.authz.policy import Policy
from shipyard.authz.registry import Decision, PolicyRegistry, policies
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
    "Authorize",
    "AuthzExtension",
    "Decision",
    "EditableFields",
    "HasAllPermissions",
    "HasAnyPermission",
    "HasPermission",
    "Policy",
    "PolicyAccess",
    "PolicyRegistry",
    "RequireScopes",
    "allows",
    "allows_all",
    "allows_any",
    "assign_role",
    "authorize",
    "authorize_new",
    "can",
    "can_any",
    "create_role",
    "editable_fields",
    "find_role",
    "get_role",
    "grant_permission",
    "grants",
    "list_roles",
    "make_admin",
    "matches",
    "policies",
    "readable_fields",
    "revoke_permission",
    "scope_for",
    "scoped",
    "set_role_active",
    "unassign_role",
    "user_permissions",
    "validate_permission",
    "writable_fields",
]

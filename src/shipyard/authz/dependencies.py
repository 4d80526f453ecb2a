"""FastAPI dependencies that require permissions: ``HasPermission`` and friends.

``Depends(HasPermission("posts:create"))`` resolves the Identity through
:func:`shipyard.auth.current_user` (so the unauthenticated case is a 401 or a login
redirect, the same for sessions, JWTs and API keys), checks it, and returns it. A missing
permission is a 403: an HTML page for browsers, a fragment for htmx, problem JSON for APIs.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from shipyard.auth.deps import current_user
from shipyard.auth.identity import Identity
from shipyard.authz.checks import allows_all, allows_any
from shipyard.authz.permissions import grants, validate_required
from shipyard.core.openapi import declares_problems
from shipyard.core.problems import PERMISSION_DENIED, HTTPProblem


@declares_problems(403)
class _PermissionCheck:
    """Shared machinery: the required permissions and how they combine."""

    wording = "all of"

    def __init__(self, *permissions: str) -> None:
        if not permissions:
            raise TypeError(f"{type(self).__name__} needs at least one permission")
        self.permissions = [validate_required(permission) for permission in permissions]

    async def __call__(self, identity: Annotated[Identity, Depends(current_user)]) -> Identity:
        if not self.allowed(identity):
            names = ", ".join(self.permissions)
            raise HTTPProblem(
                403,
                "Permission denied",
                f"You need {self.wording} {names} to do this.",
                type=PERMISSION_DENIED.slug,
                extra={"required": self.permissions, "match": self.wording},
            )
        return identity

    def allowed(self, identity: Identity) -> bool:
        """True if ``identity`` holds every required permission."""
        return allows_all(identity, self.permissions)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(map(repr, self.permissions))})"


class HasAllPermissions(_PermissionCheck):
    """Require every one of the permissions; returns the Identity."""

    wording = "all of"


class HasAnyPermission(_PermissionCheck):
    """Require at least one of the permissions; returns the Identity."""

    wording = "one of"

    def allowed(self, identity: Identity) -> bool:
        """True if ``identity`` holds at least one required permission."""
        return allows_any(identity, self.permissions)


class HasPermission(HasAllPermissions):
    """Require one permission: ``Depends(HasPermission("posts:create"))``."""

    def __init__(self, permission: str) -> None:
        super().__init__(permission)

    wording = "the permission"


@declares_problems(403)
class RequireScopes:
    """Require a token (JWT, API key) whose scopes cover each permission; returns the Identity.

    A login session is unrestricted (no scopes) and passes; it only limits what a token
    may do, so combine it with ``HasPermission`` or a policy for what the *user* may do.
    """

    def __init__(self, *scopes: str) -> None:
        if not scopes:
            raise TypeError("RequireScopes needs at least one scope")
        self.scopes = [validate_required(scope) for scope in scopes]

    async def __call__(self, identity: Annotated[Identity, Depends(current_user)]) -> Identity:
        if identity.scopes is not None:
            missing = [scope for scope in self.scopes if not grants(identity.scopes, scope)]
            if missing:
                raise HTTPProblem(
                    403,
                    "Insufficient scope",
                    f"This token's scopes do not cover {', '.join(missing)}.",
                    type=PERMISSION_DENIED.slug,
                    extra={"required_scopes": missing},
                    headers={
                        "WWW-Authenticate": f'Bearer error="insufficient_scope", '
                        f'scope="{" ".join(missing)}"'
                    },
                )
        return identity

    def __repr__(self) -> str:
        return f"RequireScopes({', '.join(map(repr, self.scopes))})"

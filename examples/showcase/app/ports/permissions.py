"""Who may change ports: the permissions the JSON API and the pages both require.

Reading is public. ``ports:create``, ``ports:update`` and ``ports:delete`` are
granted through roles (``shipyard roles create editor --permission 'ports:*'``);
templates ask ``can("ports:create")`` before they show a control.
"""

from __future__ import annotations

from fastapi import Depends
from fastapi.params import Depends as DependsParam
from shipyard.api.resource import CrudOperation
from shipyard.authz import HasPermission

OPERATIONS: tuple[CrudOperation, ...] = ("create", "update", "delete")


def permission(operation: CrudOperation) -> str:
    """The permission an ``operation`` on ports needs: ``ports:<operation>``."""
    return f"ports:{operation}"


REQUIRED: dict[CrudOperation, list[DependsParam]] = {
    operation: [Depends(HasPermission(permission(operation)))] for operation in OPERATIONS
}
"""Route dependencies per operation (``dependencies=REQUIRED["delete"]``)."""

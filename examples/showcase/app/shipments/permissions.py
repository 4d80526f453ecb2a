"""Who may change shipments: the permissions the JSON API and the pages both require.

Reading is public. ``shipments:create``, ``shipments:update`` and ``shipments:delete`` are
granted through roles (``shipyard roles create editor --permission 'shipments:*'``);
templates ask ``can("shipments:create")`` before they show a control.
"""

from __future__ import annotations

from fastapi import Depends
from fastapi.params import Depends as DependsParam
from shipyard.api.resource import CrudOperation
from shipyard.authz import HasAnyPermission, HasPermission

OPERATIONS: tuple[CrudOperation, ...] = ("create", "update", "delete")


def permission(operation: CrudOperation) -> str:
    """The permission an ``operation`` on shipments needs: ``shipments:<operation>``."""
    return f"shipments:{operation}"


REQUIRED: dict[CrudOperation, list[DependsParam]] = {
    operation: [Depends(HasPermission(permission(operation)))] for operation in OPERATIONS
}
"""Route dependencies per operation (``dependencies=REQUIRED["delete"]``)."""

EDITING: list[DependsParam] = [
    Depends(HasAnyPermission(permission("create"), permission("update")))
]
"""Route dependencies of what only the forms use (their reference searches)."""

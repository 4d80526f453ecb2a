"""Who may change ships: the permissions the JSON API and the htmx pages both require.

Reading is public. ``ships:create``, ``ships:update`` and ``ships:delete`` are granted
through roles (``shipyard roles create skipper --permission 'ships:*'``); templates ask
``can("ships:create")`` before they show a control.
"""

from __future__ import annotations

from fastapi import Depends
from fastapi.params import Depends as DependsParam
from shipyard.api.resource import CrudOperation
from shipyard.authz import HasPermission

OPERATIONS: tuple[CrudOperation, ...] = ("create", "update", "delete")


def permission(operation: CrudOperation) -> str:
    """The permission an ``operation`` on ships needs: ``ships:<operation>``."""
    return f"ships:{operation}"


REQUIRED: dict[CrudOperation, list[DependsParam]] = {
    operation: [Depends(HasPermission(permission(operation)))] for operation in OPERATIONS
}
"""Route dependencies per operation (``dependencies=REQUIRED["delete"]``)."""

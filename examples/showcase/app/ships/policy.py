"""``ShipPolicy``: who sees and changes which ship, enforced by the pages and the API.

- The fleet has no owner: everyone sees it; only managers change it. The seeded ships
  and those managers add are the fleet.
- A ship anyone else adds belongs to them: only they (and managers) see, rename or
  delete it. Anyone else gets a 404, as if it did not exist (``deny_status = 404``), through
  the pages, the API by id, list filters, sorting, field selection and cursors alike.
- Managers hold ``ships:manage`` (``ships:*`` and the seeded ``admin`` role's ``*``
  include it) and may do anything.
- Adding a ship needs ``ships:create``; the new ship belongs to whoever added it,
  unless a manager did (then it joins the fleet).

Tokens narrow it further: a JWT or API key whose scopes lack ``ships:read`` lists no
ship, one without ``ships:update`` renames none.
"""

from __future__ import annotations

from typing import Any

from shipyard.auth import Identity
from shipyard.authz import Policy
from sqlalchemy import Select, or_

from app.ships.models import Ship


class ShipPolicy(Policy[Ship]):
    """Owners and managers; the fleet is public."""

    deny_status = 404

    def before(self, identity: Identity | None, action: str, obj: Any) -> bool | None:
        """Managers may do anything."""
        return True if self.has_permission(identity, "ships:manage") else None

    def scope(self, query: Select[Any], identity: Identity | None) -> Select[Any]:
        """The fleet and the caller's own ships."""
        if identity is None:
            return query.where(Ship.owner_id.is_(None))
        return query.where(or_(Ship.owner_id.is_(None), Ship.owner_id == identity.user.id))

    def view(self, identity: Identity | None, ship: Ship) -> bool:
        """The fleet, and one's own ships."""
        return ship.owner_id is None or ship.owner_id == self.user_id(identity)

    def create(self, identity: Identity | None, ship: Ship) -> bool:
        """Holders of ``ships:create``."""
        return self.has_permission(identity, "ships:create")

    def update(self, identity: Identity | None, ship: Ship) -> bool:
        """The owner, with ``ships:update``."""
        return self._owns(identity, ship) and self.has_permission(identity, "ships:update")

    def delete(self, identity: Identity | None, ship: Ship) -> bool:
        """The owner, with ``ships:delete``."""
        return self._owns(identity, ship) and self.has_permission(identity, "ships:delete")

    def on_create(self, identity: Identity | None, ship: Ship) -> None:
        """A new ship belongs to whoever adds it; a manager's joins the fleet."""
        manager = self.has_permission(identity, "ships:manage")
        ship.owner_id = None if manager else self.user_id(identity)

    @staticmethod
    def _owns(identity: Identity | None, ship: Ship) -> bool:
        return identity is not None and ship.owner_id == identity.user.id

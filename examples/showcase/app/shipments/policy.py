"""``ShipmentPolicy``: who sees and changes which shipment, and which of its fields.

Scaffolded with ``shipyard scaffold crud Shipment``, then given the showcase's rules:

- A shipment is seen only by those who see its ship (``ShipPolicy``'s scope): the fleet's
  shipments by everyone, those of Ann's ship by Ann alone. The form's ship select offers
  only those ships too, and a forged ``ship_id`` of another user's ship is refused inline.
- Signed-in users with ``shipments:create/update/delete`` add, change and delete the
  shipments they see; holders of ``shipments:manage`` may do anything.
- Field rules: only customs (``shipments:inspect``; the admin's ``*`` includes it) read
  and set the ``declared_value`` and set ``cleared``. Anyone else does not see the value
  in the list, on the page, in the form or in the API; their form shows ``cleared``
  disabled and ignores both if posted anyway (the API refuses them with a 422).
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from shipyard.auth import Identity
from shipyard.authz import Policy, scoped
from sqlalchemy import Select, inspect, select

from app.shipments.models import Shipment
from app.ships.models import Ship

FIELDS = frozenset(inspect(Shipment).column_attrs.keys())
"""Every column of Shipment."""
CUSTOMS = "shipments:inspect"


class ShipmentPolicy(Policy[Shipment]):
    """Shipments follow their ship; customs see values and clear shipments."""

    deny_status = 404

    def before(self, identity: Identity | None, action: str, obj: Any) -> bool | None:
        """Managers may do anything; everyone else goes through the rules below."""
        return True if self.has_permission(identity, "shipments:manage") else None

    def scope(self, query: Select[Any], identity: Identity | None) -> Select[Any]:
        """The shipments of the ships the caller sees."""
        return query.where(Shipment.ship_id.in_(scoped(select(Ship.id), identity)))

    def view(self, identity: Identity | None, shipment: Shipment) -> bool:
        """Anyone who sees it (its ship is in their scope)."""
        return True

    def create(self, identity: Identity | None, shipment: Shipment) -> bool:
        """Signed-in users."""
        return identity is not None

    def update(self, identity: Identity | None, shipment: Shipment) -> bool:
        """Signed-in users who see it."""
        return identity is not None

    def delete(self, identity: Identity | None, shipment: Shipment) -> bool:
        """Signed-in users who see it."""
        return identity is not None

    def readable_fields(self, identity: Identity | None) -> Collection[str] | None:
        """Customs read everything; others all but the declared value."""
        return None if self.has_permission(identity, CUSTOMS) else FIELDS - {"declared_value"}

    def writable_fields(self, identity: Identity | None) -> Collection[str] | None:
        """Customs set everything; others all but the declared value and ``cleared``."""
        if self.has_permission(identity, CUSTOMS):
            return None
        return FIELDS - {"declared_value", "cleared"}

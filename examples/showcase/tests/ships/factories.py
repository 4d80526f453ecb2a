"""Test data for ships (the fleet: no owner): ``await ship_factory.create(db_session)``,
as the shipments' factory uses it."""

from __future__ import annotations

from shipyard.testing import factory_for

from app.ships.models import Ship

ship_factory = factory_for(Ship, name="Ship {n}")

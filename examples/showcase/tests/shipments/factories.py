"""Test data for shipments: ``await shipment_factory.create(db_session)``, or
``Scenario().with_shipments(5)`` (``tests/scenario.py``)."""

from __future__ import annotations

from shipyard.testing import factory_for

from app.shipments.models import Shipment
from tests.ships.factories import ship_factory

shipment_factory = factory_for(
    Shipment,
    description="Description {n}",
    ship=lambda _: ship_factory.build(),
    cleared=False,
)

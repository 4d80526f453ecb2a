"""Test data for ports: ``await port_factory.create(db_session)``, or
``Scenario().with_ports(5)`` (``tests/scenario.py``)."""

from __future__ import annotations

from shipyard.testing import factory_for

from app.ports.models import Port

port_factory = factory_for(
    Port,
    name="Name {n}",
    country="Country {n}",
)

"""The test data builder of this app: Shipyard's ``Scenario`` with one method per resource.

``await Scenario().with_user(admin=True).with_posts(5).build(db_session)``; generators
add a ``with_<resources>`` method here for each resource they scaffold.
"""

from __future__ import annotations

from typing import Any, Self

from shipyard.testing import Scenario as BaseScenario

from tests.ports.factories import port_factory
from tests.shipments.factories import shipment_factory


class Scenario(BaseScenario):
    """``Scenario`` plus ``with_<resources>(count, **fields)`` for this app's resources."""

    def with_ports(self, count: int = 1, **fields: Any) -> Self:
        """``count`` ports from ``port_factory`` (``fields`` as in ``with_``)."""
        return self.with_(port_factory, count, **fields)

    def with_shipments(self, count: int = 1, **fields: Any) -> Self:
        """``count`` shipments from ``shipment_factory`` (``fields`` as in ``with_``)."""
        return self.with_(shipment_factory, count, **fields)

"""Every model of the showcase; `app.main` imports this module so they are registered.

The account tables (``users``, ``roles``, ``user_roles``) come from ``shipyard.auth`` and
the token tables (``api_keys``, ``shipyard_refresh_tokens``, ``shipyard_revoked_tokens``)
from ``shipyard.auth.tokens``; importing them here puts them on the metadata that
``shipyard db revision --autogenerate`` compares.
"""

from shipyard.auth import Role, User
from shipyard.auth.apikeys.models import ApiKey
from shipyard.auth.tokens import RefreshToken, RevokedToken
from shipyard.db import Model

from app.ports.models import Port
from app.shipments.models import Shipment
from app.ships.models import Ship

__all__ = [
    "ApiKey",
    "Model",
    "Port",
    "RefreshToken",
    "RevokedToken",
    "Role",
    "Ship",
    "Shipment",
    "User",
]

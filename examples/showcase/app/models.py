"""Every model of the showcase; `app.main` imports this module so they are registered."""

from shipyard.db import Model

from app.ships.models import Ship

__all__ = ["Model", "Ship"]

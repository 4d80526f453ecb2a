"""The one place where the showcase's routers are registered (generators append here)."""

from shipyard.app import App

from app import home
from app.ships import api as ships_api


def register_routes(app: App) -> None:
    """Include every router of the app."""
    app.include_router(home.router)
    app.include_router(ships_api.router)

"""The one place where the showcase's routers are registered (generators append here)."""

from shipyard import App

from app import design, home, live
from app.jobs import pages as jobs_pages
from app.ports import api as ports_api
from app.ports import pages as ports_pages
from app.shipments import api as shipments_api
from app.shipments import pages as shipments_pages
from app.ships import api as ships_api
from app.ships import pages as ships_pages


def register_routes(app: App) -> None:
    """Include every router of the app: HTML pages, then JSON APIs."""
    app.include_router(home.pages)
    app.include_router(home.router)
    app.include_router(design.pages)
    app.include_router(ships_pages.pages)
    app.include_router(jobs_pages.pages)
    app.include_router(live.pages)
    for router in ships_api.routers():
        app.include_router(router)
    app.include_router(ports_api.router)
    app.include_router(ports_pages.pages)
    app.include_router(shipments_api.router)
    app.include_router(shipments_pages.pages)

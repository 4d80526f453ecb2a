"""The showcase's general pages (capabilities, effective settings) and its health check."""

from fastapi import APIRouter, Request
from fastapi.responses import Response
from shipyard import DbSession, PageRouter, SettingsDep, render
from shipyard.cache import cached_query
from shipyard.db import get_database
from sqlalchemy import func, select, text

from app.capabilities import CAPABILITIES
from app.ships.models import Ship

pages = PageRouter()  # the layout's current_user resolves who is here when it is shown
router = APIRouter()


@pages.get("/", name="home")
async def home(request: Request, session: DbSession) -> Response:
    """The capabilities of Shipyard and how many ships the database holds.

    The count comes from the query cache: counted once, then kept until a change to
    ships commits (the query reads ``ships``, so its entry carries that table's tag).
    """
    counted = select(func.count().label("ships")).select_from(Ship)
    [row] = await cached_query(session, counted, ttl=3600)
    return render(request, "home.html", {"capabilities": CAPABILITIES, "ships": row["ships"]})


@pages.get("/settings", name="settings")
async def effective_settings(request: Request, settings: SettingsDep) -> Response:
    """The profile in use and the settings that matter most, secrets left out."""
    context = {"settings": settings, "database_url": get_database(request.app).redacted_url}
    return render(request, "settings.html", context)


@router.get("/health", name="health")
async def health(settings: SettingsDep, session: DbSession) -> dict[str, str]:
    """A readiness check for load balancers: the app answers and the database too."""
    await session.execute(text("SELECT 1"))
    return {"status": "ok", "app": settings.app.name, "profile": settings.profile}

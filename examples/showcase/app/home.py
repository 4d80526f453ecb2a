"""The showcase's pages (HTML): the capabilities, the effective settings, a health check."""

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from shipyard.app import SettingsDep
from shipyard.db import DbSession, get_database
from sqlalchemy import func, select, text

from app.capabilities import CAPABILITIES
from app.ships.models import Ship

templates = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(),
)

router = APIRouter()


@router.get("/", response_class=HTMLResponse, name="home")
async def home(settings: SettingsDep, session: DbSession) -> HTMLResponse:
    """The capabilities of Shipyard and how many ships the database holds."""
    ships = await session.scalar(select(func.count()).select_from(Ship))
    page = templates.get_template("home.html").render(
        app_name=settings.app.name, capabilities=CAPABILITIES, ships=ships or 0
    )
    return HTMLResponse(page)


@router.get("/settings", response_class=HTMLResponse, name="settings")
async def effective_settings(request: Request, settings: SettingsDep) -> HTMLResponse:
    """The profile in use and the settings that matter most, secrets left out."""
    page = templates.get_template("settings.html").render(
        app_name=settings.app.name,
        settings=settings,
        database_url=get_database(request.app).redacted_url,
    )
    return HTMLResponse(page)


@router.get("/health", name="health")
async def health(settings: SettingsDep, session: DbSession) -> dict[str, str]:
    """A readiness check for load balancers: the app answers and the database too."""
    await session.execute(text("SELECT 1"))
    return {"status": "ok", "app": settings.app.name, "profile": settings.profile}

"""Fixtures of the mail tests: an app whose templates include tests/mail/templates."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from fastapi import APIRouter

from shipyard import App, Settings
from shipyard.config.models import MailSettings
from shipyard.config.sections.core import DatabaseSettings
from shipyard.config.sections.jobs import JobsSettings
from shipyard.testing.schema import create_app_schema

TEMPLATES = Path(__file__).parent / "templates"


def make_app(tmp_path: Path, *, profile: str = "test", **mail: object) -> App:
    """An app with memory jobs, memory mail (unless ``mail`` says otherwise), the test
    templates and a ``dashboard`` route (the welcome mail links to it)."""
    settings = Settings.model_validate(
        {
            "database": DatabaseSettings(url=f"sqlite+aiosqlite:///{tmp_path}/app.db"),
            "jobs": JobsSettings(backend="memory"),
            "mail": MailSettings.model_validate({"backend": "memory", **mail}),
            "app": {"base_url": "https://app.example.com"},
            "profile": profile,
        }
    )
    app = App(settings, root=tmp_path)
    app.add_template_dir(TEMPLATES)
    app.on_startup(create_app_schema)
    router = APIRouter()

    @router.get("/dashboard", name="dashboard")
    async def dashboard() -> dict[str, str]:
        return {}

    app.include_router(router)
    return app


@pytest.fixture
async def app(tmp_path: Path) -> AsyncIterator[App]:
    app = make_app(tmp_path)
    async with app.router.lifespan_context(app):
        yield app

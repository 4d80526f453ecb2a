"""Fixtures of the generator tests: fresh PostgreSQL databases as the db tests make them,
and the browser tests' Chromium and screenshots (for a scaffolded project in a browser)."""

from tests.browser.conftest import browser, playwright, screenshot
from tests.db.conftest import postgres_databases

__all__ = ["browser", "playwright", "postgres_databases", "screenshot"]

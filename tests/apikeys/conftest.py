"""API-key test fixtures (see tests/tokens/fixtures.py); PostgreSQL from tests/db."""

from tests.db.conftest import postgres_database_url, postgres_databases
from tests.tokens.fixtures import (
    app,
    app_user,
    client,
    database,
    db_url,
    make_settings,
    make_user,
    redis_service,
    service,
    settings,
)

__all__ = [
    "app",
    "app_user",
    "client",
    "database",
    "db_url",
    "make_settings",
    "make_user",
    "postgres_database_url",
    "postgres_databases",
    "redis_service",
    "service",
    "settings",
]

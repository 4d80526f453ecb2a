"""Alembic environment: Shipyard supplies the database settings and the models."""

from shipyard.db.migrations import run_env

run_env()

"""Migrations of the ``shipyard_notifications`` table (its own Alembic branch)."""

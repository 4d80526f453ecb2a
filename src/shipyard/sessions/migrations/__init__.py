"""Migrations of the ``shipyard_sessions`` table (Alembic branch ``shipyard_sessions``)."""

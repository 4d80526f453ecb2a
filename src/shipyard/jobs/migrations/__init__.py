"""Migrations of the ``shipyard_jobs`` table (Alembic branch ``shipyard_jobs``)."""

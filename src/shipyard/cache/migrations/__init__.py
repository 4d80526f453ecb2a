"""Migrations of the ``shipyard_cache`` table (Alembic branch ``shipyard_cache``)."""

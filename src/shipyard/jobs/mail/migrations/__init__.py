"""Migrations of the ``shipyard_mail_deliveries`` table (Alembic branch ``shipyard_mail``)."""

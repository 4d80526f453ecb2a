"""The database job backend on SQLite and PostgreSQL."""

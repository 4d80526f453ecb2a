"""Tests for shipyard.api.query: list query parsing and SQL on SQLite and PostgreSQL."""

"""Fixtures of the generator tests: fresh PostgreSQL databases as the db tests make them."""

from tests.db.conftest import postgres_databases

__all__ = ["postgres_databases"]

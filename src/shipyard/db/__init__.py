"""Shipyard's database layer: SQLAlchemy 2 async, one session per request, Alembic.

Owns the engine (:class:`Database`), the request session dependency (:data:`DbSession`),
the model base and mixins, migrations and seeds glue, and the query counter for N+1
tests. It does not own the CLI commands (``shipyard.cli.db``).
"""

from shipyard.db.database import Database
from shipyard.db.extension import DatabaseExtension, get_database
from shipyard.db.model import IdMixin, Model, TimestampMixin, UtcDateTime, utcnow
from shipyard.db.querycount import assert_max_queries, count_queries
from shipyard.db.session import DbSession, get_session

__all__ = [
    "Database",
    "DatabaseExtension",
    "DbSession",
    "IdMixin",
    "Model",
    "TimestampMixin",
    "UtcDateTime",
    "assert_max_queries",
    "count_queries",
    "get_database",
    "get_session",
    "utcnow",
]

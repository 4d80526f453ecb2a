"""Shipyard's database layer: SQLAlchemy 2 async, one session per request, Alembic.

Owns the engine (:class:`Database`), the request session dependency (:data:`DbSession`),
the model base and mixins, the row id types of URLs (:data:`RowId`), migrations and
seeds glue, and the query counter for N+1 tests. It does not own the CLI commands
(``shipyard.cli.db``).
"""

from shipyard.core.clock import utc_now
from shipyard.db.database import Database
from shipyard.db.extension import DATABASE, DatabaseDep, DatabaseExtension, get_database
from shipyard.db.ids import BigRowId, RowId, row_id_for
from shipyard.db.model import IdMixin, Model, TimestampMixin, UtcDateTime
from shipyard.db.querycount import assert_max_queries, count_queries
from shipyard.db.session import DbSession, get_db_session

__all__ = [
    "DATABASE",
    "BigRowId",
    "Database",
    "DatabaseDep",
    "DatabaseExtension",
    "DbSession",
    "IdMixin",
    "Model",
    "RowId",
    "TimestampMixin",
    "UtcDateTime",
    "assert_max_queries",
    "count_queries",
    "get_database",
    "get_db_session",
    "row_id_for",
    "utc_now",
]

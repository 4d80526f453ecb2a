"""The ``shipyard_mail`` migration creates exactly the delivery table the code declares."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.operations import Operations

from shipyard.db.model import framework_metadata
from shipyard.jobs.mail import MAIL_MIGRATIONS
from shipyard.jobs.mail.deliveries import deliveries_table


def only_deliveries(obj: Any, name: str | None, kind: str, reflected: bool, other: Any) -> bool:
    table = obj if kind == "table" else getattr(obj, "table", None)
    return table is not None and table.name == deliveries_table.name


def test_the_migration_matches_the_table(tmp_path: Path) -> None:
    migration = importlib.import_module("shipyard.jobs.mail.migrations.mail_0001_deliveries")
    assert MAIL_MIGRATIONS.tables == {
        deliveries_table.name: frozenset(column.name for column in deliveries_table.columns)
    }
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'm.db'}")
    with engine.begin() as connection:
        with Operations.context(MigrationContext.configure(connection)):
            migration.upgrade()
        context = MigrationContext.configure(
            connection, opts={"include_object": only_deliveries, "compare_type": True}
        )
        assert compare_metadata(context, framework_metadata) == []
        with Operations.context(MigrationContext.configure(connection)):
            migration.downgrade()
        assert not sa.inspect(connection).has_table(deliveries_table.name)
    engine.dispose()

"""The ``shipyard_mail`` migrations create exactly the tables the code declares."""

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
from shipyard.jobs.mail.receipts import receipts_table
from shipyard.jobs.mail.suppressions import suppressions_table

TABLES = (deliveries_table, suppressions_table, receipts_table)
NAMES = {table.name for table in TABLES}
MIGRATIONS = ("mail_0001_deliveries", "mail_0002_tracking")


def only_mail(obj: Any, name: str | None, kind: str, reflected: bool, other: Any) -> bool:
    table = obj if kind == "table" else getattr(obj, "table", None)
    return table is not None and table.name in NAMES


def test_the_migrations_match_the_tables(tmp_path: Path) -> None:
    migrations = [
        importlib.import_module(f"shipyard.jobs.mail.migrations.{name}") for name in MIGRATIONS
    ]
    assert MAIL_MIGRATIONS.tables == {
        table.name: frozenset(column.name for column in table.columns) for table in TABLES
    }
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'm.db'}")
    with engine.begin() as connection:
        for migration in migrations:
            with Operations.context(MigrationContext.configure(connection)):
                migration.upgrade()
        context = MigrationContext.configure(
            connection, opts={"include_object": only_mail, "compare_type": True}
        )
        assert compare_metadata(context, framework_metadata) == []
        for migration in reversed(migrations):
            with Operations.context(MigrationContext.configure(connection)):
                migration.downgrade()
        assert not sa.inspect(connection).has_table(deliveries_table.name)
        assert not sa.inspect(connection).has_table(suppressions_table.name)
    engine.dispose()


def test_the_tracking_migration_keeps_the_rows_before_it(tmp_path: Path) -> None:
    first, second = (
        importlib.import_module(f"shipyard.jobs.mail.migrations.{name}") for name in MIGRATIONS
    )
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'm.db'}")
    with engine.begin() as connection:
        with Operations.context(MigrationContext.configure(connection)):
            first.upgrade()
        connection.execute(
            sa.text(
                "INSERT INTO shipyard_mail_deliveries (key, mail, recipients, subject, state, "
                "attempts, created_at) VALUES ('k1', 'm', 'a@example.com', 's', 'sent', 1, "
                "'2026-01-01 00:00:00')"
            )
        )
        with Operations.context(MigrationContext.configure(connection)):
            second.upgrade()
        row = connection.execute(
            sa.text("SELECT state, provider_message_id FROM shipyard_mail_deliveries")
        ).one()
        assert tuple(row) == ("sent", None)
    engine.dispose()

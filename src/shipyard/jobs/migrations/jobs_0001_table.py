"""The shipyard_jobs table of the database jobs backend, with its first indexes.

Revision ID: shipyard_jobs_0001
Revises:
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from shipyard.db.branches import table_exists

revision: str = "shipyard_jobs_0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("shipyard_jobs",)
depends_on: str | Sequence[str] | None = None

PENDING = sa.text("state IN ('scheduled', 'queued', 'running', 'failed')")


def upgrade() -> None:
    if table_exists("shipyard_jobs"):
        return  # made on first use by an older Shipyard: adopted as it is
    op.create_table(
        "shipyard_jobs",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("queue", sa.String(100), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("run_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("max_attempts", sa.Integer(), nullable=False),
        sa.Column("timeout", sa.Float(), nullable=True),
        sa.Column("unique_key", sa.String(255), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("traceback", sa.Text(), nullable=True),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("worker", sa.String(200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("meta", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_shipyard_jobs"),
    )
    op.create_index(
        "ix_shipyard_jobs_fetch", "shipyard_jobs", ["queue", "state", "priority", "run_at"]
    )
    op.create_index("ix_shipyard_jobs_created_at", "shipyard_jobs", ["created_at"])
    op.create_index(
        "uq_shipyard_jobs_unique_key",
        "shipyard_jobs",
        ["unique_key"],
        unique=True,
        sqlite_where=PENDING,
        postgresql_where=PENDING,
    )


def downgrade() -> None:
    op.drop_table("shipyard_jobs")

"""Partial indexes for fetching waiting jobs and expired leases (replace the fetch index).

A fetch then reads only the rows it leases: 0.7 ms instead of 78 ms over 15,000 queued
jobs (see docs/jobs.md).

Revision ID: shipyard_jobs_0003
Revises: shipyard_jobs_0002
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from shipyard.db.branches import index_exists

revision: str = "shipyard_jobs_0003"
down_revision: str | Sequence[str] | None = "shipyard_jobs_0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WAITING = sa.text("state IN ('scheduled', 'queued', 'failed')")
RUNNING = sa.text("state IN ('running')")


def upgrade() -> None:
    if not index_exists("shipyard_jobs", "ix_shipyard_jobs_waiting"):
        op.create_index(
            "ix_shipyard_jobs_waiting",
            "shipyard_jobs",
            ["queue", sa.text("priority DESC"), "run_at", "created_at", "id"],
            sqlite_where=WAITING,
            postgresql_where=WAITING,
        )
    if not index_exists("shipyard_jobs", "ix_shipyard_jobs_leases"):
        op.create_index(
            "ix_shipyard_jobs_leases",
            "shipyard_jobs",
            ["lease_until"],
            sqlite_where=RUNNING,
            postgresql_where=RUNNING,
        )
    if index_exists("shipyard_jobs", "ix_shipyard_jobs_fetch"):
        op.drop_index("ix_shipyard_jobs_fetch", table_name="shipyard_jobs")


def downgrade() -> None:
    op.create_index(
        "ix_shipyard_jobs_fetch", "shipyard_jobs", ["queue", "state", "priority", "run_at"]
    )
    op.drop_index("ix_shipyard_jobs_leases", table_name="shipyard_jobs")
    op.drop_index("ix_shipyard_jobs_waiting", table_name="shipyard_jobs")

"""The workers' heartbeat table (``shipyard jobs workers``, the readiness check).

Revision ID: shipyard_jobs_0004
Revises: shipyard_jobs_0003
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from shipyard.db.branches import table_exists

revision: str = "shipyard_jobs_0004"
down_revision: str | Sequence[str] | None = "shipyard_jobs_0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if table_exists("shipyard_job_workers"):  # made by create_all before this revision
        return
    op.create_table(
        "shipyard_job_workers",
        sa.Column("name", sa.String(200), primary_key=True),
        sa.Column("queues", sa.JSON(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("beat_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("running", sa.Integer(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("shipyard_job_workers")

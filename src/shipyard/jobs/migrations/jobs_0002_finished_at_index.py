"""Index shipyard_jobs.finished_at, which the retention purge filters on.

Revision ID: shipyard_jobs_0002
Revises: shipyard_jobs_0001
"""

from collections.abc import Sequence

from alembic import op

from shipyard.db.branches import index_exists

revision: str = "shipyard_jobs_0002"
down_revision: str | Sequence[str] | None = "shipyard_jobs_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if not index_exists("shipyard_jobs", "ix_shipyard_jobs_finished_at"):
        op.create_index("ix_shipyard_jobs_finished_at", "shipyard_jobs", ["finished_at"])


def downgrade() -> None:
    op.drop_index("ix_shipyard_jobs_finished_at", table_name="shipyard_jobs")

"""The shipyard_sessions table of the database session backend.

Revision ID: shipyard_sessions_0001
Revises:
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from shipyard.db.branches import table_exists

revision: str = "shipyard_sessions_0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("shipyard_sessions",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if table_exists("shipyard_sessions"):
        return  # made on first use by an older Shipyard: adopted as it is
    op.create_table(
        "shipyard_sessions",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_shipyard_sessions"),
    )
    op.create_index("ix_shipyard_sessions_expires_at", "shipyard_sessions", ["expires_at"])


def downgrade() -> None:
    op.drop_table("shipyard_sessions")

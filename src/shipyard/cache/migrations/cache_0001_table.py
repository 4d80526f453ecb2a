"""The shipyard_cache table of the database cache backend.

Revision ID: shipyard_cache_0001
Revises:
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "shipyard_cache_0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("shipyard_cache",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "shipyard_cache",
        sa.Column("key", sa.String(250), nullable=False),
        sa.Column("value", sa.LargeBinary(), nullable=True),
        sa.Column("counter", sa.BigInteger(), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("key", name="pk_shipyard_cache"),
    )
    op.create_index("ix_shipyard_cache_expires_at", "shipyard_cache", ["expires_at"])


def downgrade() -> None:
    op.drop_table("shipyard_cache")

"""The shipyard_notification_deliveries table: which channels reached whom, per notify call.

Revision ID: shipyard_notifications_0003
Revises: shipyard_notifications_0002
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "shipyard_notifications_0003"
down_revision: str | Sequence[str] | None = "shipyard_notifications_0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "shipyard_notification_deliveries",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("batch", sa.String(64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(200), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reference", sa.String(64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint(
            "batch", "user_id", "channel", name="uq_shipyard_notification_deliveries"
        ),
    )


def downgrade() -> None:
    op.drop_table("shipyard_notification_deliveries")

"""The shipyard_notification_optouts table: the channels each user turned off, per type.

Revision ID: shipyard_notifications_0002
Revises: shipyard_notifications_0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "shipyard_notifications_0002"
down_revision: str | Sequence[str] | None = "shipyard_notifications_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "shipyard_notification_optouts",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(200), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.PrimaryKeyConstraint(
            "user_id", "kind", "channel", name="pk_shipyard_notification_optouts"
        ),
    )


def downgrade() -> None:
    op.drop_table("shipyard_notification_optouts")

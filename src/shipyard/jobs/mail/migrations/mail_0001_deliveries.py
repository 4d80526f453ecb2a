"""The shipyard_mail_deliveries table: one row per queued mail, keyed by its idempotency key.

Revision ID: shipyard_mail_0001
Revises:
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "shipyard_mail_0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("shipyard_mail",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "shipyard_mail_deliveries",
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("mail", sa.String(200), nullable=False),
        sa.Column("recipients", sa.Text(), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.String(255), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("key", name="pk_shipyard_mail_deliveries"),
    )
    op.create_index(
        "ix_shipyard_mail_deliveries_created_at", "shipyard_mail_deliveries", ["created_at"]
    )


def downgrade() -> None:
    op.drop_table("shipyard_mail_deliveries")

"""Delivery tracking: the provider's message id, backend and last change on each delivery;
the suppression list; the webhook receipts that refuse replays.

Revision ID: shipyard_mail_0002
Revises: shipyard_mail_0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "shipyard_mail_0002"
down_revision: str | Sequence[str] | None = "shipyard_mail_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "shipyard_mail_deliveries"


def upgrade() -> None:
    with op.batch_alter_table(TABLE) as batch:
        batch.add_column(sa.Column("provider_message_id", sa.String(255), nullable=True))
        batch.add_column(sa.Column("backend", sa.String(32), nullable=True))
        batch.add_column(sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index(
        "ix_shipyard_mail_deliveries_provider_message_id", TABLE, ["provider_message_id"]
    )
    op.create_table(
        "shipyard_mail_suppressions",
        sa.Column("address", sa.String(320), nullable=False),
        sa.Column("reason", sa.String(16), nullable=False),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("address", name="pk_shipyard_mail_suppressions"),
    )
    op.create_table(
        "shipyard_mail_webhook_receipts",
        sa.Column("provider", sa.String(16), nullable=False),
        sa.Column("event_id", sa.String(255), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("provider", "event_id", name="pk_shipyard_mail_webhook_receipts"),
    )


def downgrade() -> None:
    op.drop_table("shipyard_mail_webhook_receipts")
    op.drop_table("shipyard_mail_suppressions")
    op.drop_index("ix_shipyard_mail_deliveries_provider_message_id", table_name=TABLE)
    with op.batch_alter_table(TABLE) as batch:
        batch.drop_column("updated_at")
        batch.drop_column("backend")
        batch.drop_column("provider_message_id")

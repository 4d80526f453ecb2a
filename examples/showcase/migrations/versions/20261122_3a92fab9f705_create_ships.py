"""create ships

Revision ID: 3a92fab9f705
Revises:
Create Date: 2026-11-22 03:12:42.997541
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "3a92fab9f705"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "ships",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ships")),
        sa.UniqueConstraint("name", name=op.f("uq_ships_name")),
    )


def downgrade() -> None:
    op.drop_table("ships")

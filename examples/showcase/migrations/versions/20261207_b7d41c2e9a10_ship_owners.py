"""ship owners: ships.owner_id (the user who added it; the seeded fleet has none)

Revision ID: b7d41c2e9a10
Revises: 5cebe59ff237
Create Date: 2026-12-07 03:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "b7d41c2e9a10"
down_revision: str | Sequence[str] | None = "5cebe59ff237"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = "shipyard_accounts_0001"


def upgrade() -> None:
    with op.batch_alter_table("ships") as batch:
        batch.add_column(sa.Column("owner_id", sa.Integer(), nullable=True))
        batch.create_index(batch.f("ix_ships_owner_id"), ["owner_id"])
        batch.create_foreign_key(
            batch.f("fk_ships_owner_id_users"), "users", ["owner_id"], ["id"], ondelete="CASCADE"
        )


def downgrade() -> None:
    with op.batch_alter_table("ships") as batch:
        batch.drop_constraint(batch.f("fk_ships_owner_id_users"), type_="foreignkey")
        batch.drop_index(batch.f("ix_ships_owner_id"))
        batch.drop_column("owner_id")

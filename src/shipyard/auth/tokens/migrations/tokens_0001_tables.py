"""The API credential tables: api_keys, shipyard_refresh_tokens, shipyard_revoked_tokens.

Revision ID: shipyard_tokens_0001
Revises:
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from shipyard.db.branches import table_exists

revision: str = "shipyard_tokens_0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("shipyard_tokens",)
depends_on: str | Sequence[str] | None = "shipyard_accounts_0001"


def upgrade() -> None:
    if not table_exists("api_keys"):
        _api_keys()
    if not table_exists("shipyard_refresh_tokens"):
        _refresh_tokens()
    if not table_exists("shipyard_revoked_tokens"):
        _revoked_tokens()


def _api_keys() -> None:
    op.create_table(
        "api_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("prefix", sa.String(length=32), nullable=False),
        sa.Column("last4", sa.String(length=4), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("scopes", sa.JSON(), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_api_keys_user_id_users", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_api_keys"),
        sa.UniqueConstraint("hash", name="uq_api_keys_hash"),
    )
    op.create_index("ix_api_keys_prefix", "api_keys", ["prefix"])
    op.create_index("ix_api_keys_user_id", "api_keys", ["user_id"])


def _refresh_tokens() -> None:
    op.create_table(
        "shipyard_refresh_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("family_id", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("scopes", sa.JSON(), nullable=True),
        sa.Column("access_jti", sa.String(length=64), nullable=True),
        sa.Column("access_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["shipyard_refresh_tokens.id"],
            name="fk_shipyard_refresh_tokens_parent_id_shipyard_refresh_tokens",
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name="fk_shipyard_refresh_tokens_user_id_users",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_shipyard_refresh_tokens"),
        sa.UniqueConstraint("token_hash", name="uq_shipyard_refresh_tokens_token_hash"),
    )
    op.create_index(
        "ix_shipyard_refresh_tokens_family_id", "shipyard_refresh_tokens", ["family_id"]
    )
    op.create_index("ix_shipyard_refresh_tokens_user_id", "shipyard_refresh_tokens", ["user_id"])


def _revoked_tokens() -> None:
    op.create_table(
        "shipyard_revoked_tokens",
        sa.Column("jti", sa.String(length=64), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("jti", name="pk_shipyard_revoked_tokens"),
    )
    op.create_index(
        "ix_shipyard_revoked_tokens_expires_at", "shipyard_revoked_tokens", ["expires_at"]
    )


def downgrade() -> None:
    op.drop_table("shipyard_revoked_tokens")
    op.drop_table("shipyard_refresh_tokens")
    op.drop_table("api_keys")

"""The shipyard_blobs and shipyard_attachments tables: stored files and the records they belong to.

Revision ID: shipyard_attachments_0001
Revises:
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "shipyard_attachments_0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("shipyard_attachments",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "shipyard_blobs",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("filename", sa.String(255), nullable=False),
        sa.Column("content_type", sa.String(255), nullable=False),
        sa.Column("byte_size", sa.BigInteger(), nullable=False),
        sa.Column("checksum", sa.String(64), nullable=False),
        sa.Column("metadata", sa.JSON(), nullable=False),
        sa.Column("backend", sa.String(20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("purge_after", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_shipyard_blobs"),
        sa.UniqueConstraint("key", name="uq_shipyard_blobs_key"),
    )
    op.create_index("ix_shipyard_blobs_purge_after", "shipyard_blobs", ["purge_after"])
    op.create_table(
        "shipyard_attachments",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("record_type", sa.String(100), nullable=False),
        sa.Column("record_id", sa.String(64), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("blob_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_shipyard_attachments"),
        sa.ForeignKeyConstraint(
            ["blob_id"],
            ["shipyard_blobs.id"],
            name="fk_shipyard_attachments_blob_id_shipyard_blobs",
        ),
    )
    op.create_index(
        "ix_shipyard_attachments_record_type",
        "shipyard_attachments",
        ["record_type", "record_id", "name"],
    )
    op.create_index("ix_shipyard_attachments_blob_id", "shipyard_attachments", ["blob_id"])


def downgrade() -> None:
    op.drop_table("shipyard_attachments")
    op.drop_table("shipyard_blobs")

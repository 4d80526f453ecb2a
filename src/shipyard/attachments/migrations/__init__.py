"""Migrations of the ``shipyard_blobs`` and ``shipyard_attachments`` tables (their own branch)."""

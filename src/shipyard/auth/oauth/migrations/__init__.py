"""Migrations of the linked-identities table (branch ``shipyard_oauth``)."""

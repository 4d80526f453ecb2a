"""Migrations of the account tables: users, roles, user_roles (branch ``shipyard_accounts``)."""

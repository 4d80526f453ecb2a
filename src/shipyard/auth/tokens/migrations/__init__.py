"""Migrations of the API credential tables: API keys, refresh tokens, the denylist.

Alembic branch ``shipyard_tokens``; it depends on ``shipyard_accounts`` (keys and tokens
belong to users).
"""

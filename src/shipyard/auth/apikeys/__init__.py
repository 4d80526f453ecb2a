"""API keys: long-lived per-user credentials sent as ``X-API-Key``.

Owns the ``api_keys`` table, creating (shown once), listing and revoking keys, checking
them (hashed, constant-time, scoped, expiring, last use recorded) and the authenticator
that ``TokensExtension`` registers. It does not own permissions (``shipyard.authz``).
"""

from shipyard.auth.apikeys.authenticator import api_key_authenticator
from shipyard.auth.apikeys.keys import (
    CreatedApiKey,
    check_api_key,
    create_api_key,
    hash_api_key,
    list_api_keys,
    revoke_api_key,
)
from shipyard.auth.apikeys.models import ApiKey

__all__ = [
    "ApiKey",
    "CreatedApiKey",
    "api_key_authenticator",
    "check_api_key",
    "create_api_key",
    "hash_api_key",
    "list_api_keys",
    "revoke_api_key",
]

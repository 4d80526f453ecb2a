"""Moved: API keys now live in :mod:`shipyard.auth.apikeys`; this path keeps old imports working."""

from shipyard.auth.apikeys import (
    ApiKey,
    CreatedApiKey,
    api_key_authenticator,
    check_api_key,
    create_api_key,
    hash_api_key,
    list_api_keys,
    revoke_api_key,
)

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

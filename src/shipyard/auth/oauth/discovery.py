"""Providers' OpenID configuration and signing keys, fetched and cached per app.

:class:`ProviderDirectory` fetches a provider's discovery document and its JWKS once and
keeps both for ``oauth.metadata_max_age`` seconds. An ID token signed with a key id the
cached set does not hold fetches the JWKS again at once (the provider rotated its keys);
at most once per :data:`REFETCH_INTERVAL` seconds, so tokens with made-up key ids cannot
make us hammer the provider.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any

import httpx
from joserfc.jwk import KeySet

from shipyard.auth.oauth.errors import PROVIDER_TROUBLE, OAuthFailure
from shipyard.auth.oauth.providers import Provider
from shipyard.core.clock import Clock, utc_now
from shipyard.core.services import Service

REFETCH_INTERVAL = 10.0
"""Fewest seconds between two JWKS fetches caused by unknown key ids."""


@dataclass(slots=True)
class _Cached:
    metadata: dict[str, Any]
    keys: KeySet
    fetched_at: float
    keys_fetched_at: float


@dataclass(slots=True)
class ProviderDirectory:
    """The cache of discovery documents and key sets, by discovery URL.

    ``clock`` is the time the sign-in flow goes by (state expiry, ID token times); tests
    move a :class:`~shipyard.core.clock.ManualClock` instead of sleeping.
    """

    max_age: float
    timeout: float
    clock: Clock = utc_now
    _entries: dict[str, _Cached] = field(default_factory=dict)
    _locks: dict[str, asyncio.Lock] = field(default_factory=dict)

    def now(self) -> float:
        """The clock's time as a POSIX timestamp."""
        return self.clock().timestamp()

    async def metadata(self, provider: Provider) -> dict[str, Any]:
        """The provider's OpenID configuration (fetched when missing or stale)."""
        return (await self._entry(provider)).metadata

    async def keys(self, provider: Provider, kid: str | None) -> KeySet:
        """The provider's signing keys, fetched again if ``kid`` is not among them."""
        entry = await self._entry(provider)
        if kid is not None and not _has_kid(entry.keys, kid):
            now = time.monotonic()
            if now - entry.keys_fetched_at >= REFETCH_INTERVAL:
                entry.keys = await self._fetch_keys(provider, entry.metadata)
                entry.keys_fetched_at = now
        return entry.keys

    def forget(self, provider: Provider) -> None:
        """Drop what is cached for ``provider`` (the next use fetches it again)."""
        self._entries.pop(provider.discovery_url, None)

    def remember(self, provider: Provider, metadata: dict[str, Any], keys: KeySet) -> None:
        """Cache ``metadata`` and ``keys`` for ``provider`` as if just fetched."""
        now = time.monotonic()
        self._entries[provider.discovery_url] = _Cached(metadata, keys, now, now - REFETCH_INTERVAL)

    async def _entry(self, provider: Provider) -> _Cached:
        url = provider.discovery_url
        entry = self._entries.get(url)
        if entry is not None and time.monotonic() - entry.fetched_at < self.max_age:
            return entry
        async with self._locks.setdefault(url, asyncio.Lock()):
            entry = self._entries.get(url)
            if entry is not None and time.monotonic() - entry.fetched_at < self.max_age:
                return entry
            metadata = await self._get_json(provider, url)
            for key in ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri"):
                if not isinstance(metadata.get(key), str):
                    raise _trouble(provider, f"discovery document at {url} has no {key}")
            keys = await self._fetch_keys(provider, metadata)
            now = time.monotonic()
            entry = _Cached(metadata, keys, now, now)
            self._entries[url] = entry
            return entry

    async def _fetch_keys(self, provider: Provider, metadata: dict[str, Any]) -> KeySet:
        document = await self._get_json(provider, metadata["jwks_uri"])
        try:
            return KeySet.import_key_set(document)  # type: ignore[arg-type]
        except Exception as exc:  # any malformed JWKS is the provider's fault
            raise _trouble(provider, f"unreadable JWKS: {exc}") from exc

    async def _get_json(self, provider: Provider, url: str) -> dict[str, Any]:
        try:
            async with httpx.AsyncClient(timeout=self.timeout) as client:
                response = await client.get(url, headers={"Accept": "application/json"})
                response.raise_for_status()
                document = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise _trouble(provider, f"GET {url} failed: {exc}") from exc
        if not isinstance(document, dict):
            raise _trouble(provider, f"GET {url} did not answer a JSON object")
        return document


def _has_kid(keys: KeySet, kid: str) -> bool:
    return any(key.kid == kid for key in keys.keys)


def _trouble(provider: Provider, reason: str) -> OAuthFailure:
    message = PROVIDER_TROUBLE.format(provider=provider.label)
    return OAuthFailure(f"{provider.name}: {reason}", message, status=502)


DIRECTORY = Service(
    "oauth_directory", ProviderDirectory, "OAuth provider directory", started_by="OAuthExtension"
)
"""The app's :class:`ProviderDirectory` (made by ``OAuthExtension``)."""

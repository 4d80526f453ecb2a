"""Signing keys for access tokens, built once from ``tokens.keys`` and checked at start.

A :class:`KeySet` holds every configured key by ``kid`` for one pinned algorithm: the
``current`` key signs, all of them verify. That is key rotation: add a new key marked
current, keep the old one (its private part may go) until the last token it signed has
expired, then remove it. Key material is parsed and checked against the algorithm by
PyJWT (an RSA key for EdDSA, or a PEM key used as an HMAC secret, is refused) and HMAC
secrets must be at least as long as the hash (RFC 7518 section 3.2). With no key
configured, an HS256 key is derived from ``app.secret_key`` so development needs nothing.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from typing import Any

import jwt
from jwt.algorithms import Algorithm

from shipyard.config.models import SigningKeySettings, TokenSettings
from shipyard.errors import ShipyardError

DERIVED_KID = "app-secret"
"""The ``kid`` of the key derived from ``app.secret_key`` when ``tokens.keys`` is empty."""

_HMAC_MIN_BYTES = {"HS256": 32, "HS384": 48, "HS512": 64}


@dataclass(frozen=True)
class SigningKey:
    """One key: ``signing`` is None for a retired key that only verifies old tokens."""

    kid: str
    verifying: Any
    signing: Any | None


@dataclass(frozen=True)
class KeySet:
    """Every usable key for one pinned algorithm, and the ``kid`` of the current one."""

    algorithm: str
    keys: dict[str, SigningKey]
    current_kid: str

    @classmethod
    def from_settings(cls, settings: TokenSettings, secret_key: str) -> KeySet:
        """Parse and check ``settings.keys``; a :class:`ShipyardError` names a bad key."""
        algorithm = jwt.get_algorithm_by_name(settings.algorithm)
        if not settings.keys:
            if not settings.algorithm.startswith("HS"):
                raise ShipyardError(
                    f"tokens.algorithm is {settings.algorithm} but tokens.keys is empty",
                    hint="add a [[tokens.keys]] entry with kid, private_key (PEM) and "
                    "current = true",
                )
            derived = hmac.new(secret_key.encode(), b"shipyard.tokens", hashlib.sha512).digest()
            key = SigningKey(DERIVED_KID, derived, derived)
            return cls(settings.algorithm, {DERIVED_KID: key}, DERIVED_KID)
        keys = {entry.kid: _load(settings.algorithm, algorithm, entry) for entry in settings.keys}
        current = next(entry.kid for entry in settings.keys if entry.current)
        if keys[current].signing is None:
            raise ShipyardError(
                f"tokens.keys[{current}] is current but cannot sign",
                hint="give the current key its secret or private_key",
            )
        return cls(settings.algorithm, keys, current)

    @property
    def current(self) -> SigningKey:
        """The key new tokens are signed with."""
        return self.keys[self.current_kid]

    def verifying_key(self, kid: object) -> Any | None:
        """The key that verifies tokens with this ``kid`` header, None if unknown."""
        key = self.keys.get(kid) if isinstance(kid, str) else None
        return None if key is None else key.verifying


def _load(name: str, algorithm: Algorithm, entry: SigningKeySettings) -> SigningKey:
    where = f"tokens.keys[{entry.kid}]"
    if name.startswith("HS"):
        if entry.secret is None or entry.private_key is not None or entry.public_key:
            raise ShipyardError(
                f"{where}: {name} keys are a `secret`, not PEM keys",
                hint="set secret (e.g. `python -c 'import secrets; "
                "print(secrets.token_urlsafe(64))'`) or change tokens.algorithm",
            )
        secret = entry.secret.get_secret_value().encode()
        if len(secret) < _HMAC_MIN_BYTES[name]:
            raise ShipyardError(
                f"{where}: the secret is {len(secret)} bytes; {name} needs at least "
                f"{_HMAC_MIN_BYTES[name]}",
                hint="use a longer random secret",
            )
        prepared = _prepare(algorithm, secret, where, name)
        return SigningKey(entry.kid, prepared, prepared)
    if entry.secret is not None:
        raise ShipyardError(
            f"{where}: {name} uses PEM keys, not a secret",
            hint="set private_key (and optionally public_key) or change tokens.algorithm",
        )
    signing = verifying = None
    if entry.private_key is not None:
        signing = _prepare(algorithm, entry.private_key.get_secret_value(), where, name)
        verifying = signing.public_key()
    if entry.public_key:
        verifying = _prepare(algorithm, entry.public_key, where, name)
        if signing is not None and _public_bytes(verifying) != _public_bytes(signing.public_key()):
            raise ShipyardError(
                f"{where}: public_key does not belong to private_key",
                hint="omit public_key (it is derived from private_key) or fix it",
            )
    if verifying is None:
        raise ShipyardError(
            f"{where}: no key material", hint="set private_key (PEM) or, retired, public_key"
        )
    return SigningKey(entry.kid, verifying, signing)


def _prepare(algorithm: Algorithm, material: str | bytes, where: str, name: str) -> Any:
    try:
        return algorithm.prepare_key(material)
    except (jwt.InvalidKeyError, ValueError, TypeError) as exc:
        raise ShipyardError(
            f"{where}: not a usable {name} key ({exc})",
            hint=f"use a PEM key of the type {name} needs, or change tokens.algorithm",
        ) from exc


def _public_bytes(key: Any) -> bytes:
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    encoded: bytes = key.public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
    return encoded

"""JWT access tokens: claims, the pinned algorithm, forged tokens, key rotation, bad keys."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from datetime import timedelta
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
from pydantic import ValidationError

from shipyard.auth.tokens import AccessTokenCodec, InvalidAccessToken, KeySet, access
from shipyard.auth.tokens.keys import DERIVED_KID
from shipyard.config.models import TokenSettings
from shipyard.core.clock import utc_now
from shipyard.errors import ShipyardError

SECRET_KEY = "app-secret-for-tests-" + "x" * 40
HS_SECRET = "s" * 48


def _pem_private(key: Any) -> str:
    encoded: bytes = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return encoded.decode()


def _pem_public(key: Any) -> str:
    encoded: bytes = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return encoded.decode()


ED_KEY = ed25519.Ed25519PrivateKey.generate()
ED_OLD = ed25519.Ed25519PrivateKey.generate()
RSA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def codec(**options: Any) -> AccessTokenCodec:
    settings = TokenSettings.model_validate(options)
    return AccessTokenCodec(KeySet.from_settings(settings, SECRET_KEY), settings)


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def forge_hmac(header: dict[str, Any], payload: dict[str, Any], key: bytes) -> str:
    signing_input = f"{b64(json.dumps(header).encode())}.{b64(json.dumps(payload).encode())}"
    signature = hmac.new(key, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{b64(signature)}"


def valid_payload(tokens: AccessTokenCodec) -> dict[str, Any]:
    now = int(utc_now().timestamp())
    return {
        "sub": "1",
        "jti": "abc",
        "aud": tokens.settings.audience,
        "iss": tokens.settings.issuer,
        "iat": now,
        "exp": now + 600,
    }


def test_default_token_carries_every_claim_and_the_kid() -> None:
    tokens = codec()
    issued = tokens.encode(42, scopes=["posts:read", "posts:write"])
    header = jwt.get_unverified_header(issued.token)
    assert header["alg"] == "HS256"
    assert header["kid"] == DERIVED_KID
    claims = tokens.decode(issued.token)
    assert claims.subject == "42"
    assert claims.jti == issued.jti
    assert claims.claims["aud"] == "shipyard-api"
    assert claims.claims["iss"] == "shipyard"
    assert claims.expires_at - claims.issued_at == timedelta(minutes=15)
    assert claims.scopes == frozenset({"posts:read", "posts:write"})
    assert tokens.decode(tokens.encode(42).token).scopes is None


def test_each_token_has_its_own_jti() -> None:
    tokens = codec()
    assert tokens.encode(1).jti != tokens.encode(1).jti


@pytest.mark.parametrize("algorithm", ["EdDSA", "RS256"])
def test_asymmetric_keys_sign_and_verify(algorithm: str) -> None:
    private = ED_KEY if algorithm == "EdDSA" else RSA_KEY
    tokens = codec(
        algorithm=algorithm,
        keys=[{"kid": "k1", "private_key": _pem_private(private), "current": True}],
    )
    issued = tokens.encode(7)
    assert jwt.get_unverified_header(issued.token)["alg"] == algorithm
    assert tokens.decode(issued.token).subject == "7"


def test_alg_none_is_rejected() -> None:
    tokens = codec()
    payload = valid_payload(tokens)
    unsigned = jwt.encode(payload, "", algorithm="none", headers={"kid": DERIVED_KID})
    with pytest.raises(InvalidAccessToken, match="algorithm not allowed"):
        tokens.decode(unsigned)
    header = b64(json.dumps({"alg": "none", "kid": DERIVED_KID}).encode())
    with pytest.raises(InvalidAccessToken):
        tokens.decode(f"{header}.{b64(json.dumps(payload).encode())}.")


def test_another_hmac_algorithm_is_rejected() -> None:
    tokens = codec(keys=[{"kid": "k1", "secret": "z" * 64, "current": True}])
    other = jwt.encode(valid_payload(tokens), "z" * 64, algorithm="HS512", headers={"kid": "k1"})
    with pytest.raises(InvalidAccessToken, match="algorithm not allowed"):
        tokens.decode(other)


@pytest.mark.parametrize("algorithm", ["EdDSA", "RS256"])
def test_hs256_signed_with_the_public_key_is_rejected(algorithm: str) -> None:
    private = ED_KEY if algorithm == "EdDSA" else RSA_KEY
    tokens = codec(
        algorithm=algorithm,
        keys=[{"kid": "k1", "private_key": _pem_private(private), "current": True}],
    )
    public = _pem_public(private).encode()
    forged = forge_hmac({"alg": "HS256", "kid": "k1", "typ": "JWT"}, valid_payload(tokens), public)
    with pytest.raises(InvalidAccessToken, match="algorithm not allowed"):
        tokens.decode(forged)
    # even claiming the configured algorithm, an HMAC signature cannot verify
    lying = forge_hmac({"alg": algorithm, "kid": "k1"}, valid_payload(tokens), public)
    with pytest.raises(InvalidAccessToken):
        tokens.decode(lying)


def test_wrong_audience_and_issuer_are_rejected() -> None:
    keys = {"keys": [{"kid": "k1", "secret": HS_SECRET, "current": True}]}
    tokens = codec(**keys)
    other_audience = codec(audience="another-api", **keys).encode(1).token
    other_issuer = codec(issuer="someone-else", **keys).encode(1).token
    with pytest.raises(InvalidAccessToken, match=r"(?i)audience"):
        tokens.decode(other_audience)
    with pytest.raises(InvalidAccessToken, match=r"(?i)issuer"):
        tokens.decode(other_issuer)


def test_expired_token_is_rejected_and_leeway_is_honoured() -> None:
    tokens = codec()
    stale = tokens.encode(1, now=utc_now() - timedelta(minutes=16)).token
    with pytest.raises(InvalidAccessToken, match="expired"):
        tokens.decode(stale)
    assert codec(leeway=120).decode(stale).subject == "1"


def test_tampered_token_is_rejected() -> None:
    tokens = codec()
    header, payload, signature = tokens.encode(1).token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["sub"] = "2"
    tampered = f"{header}.{b64(json.dumps(claims).encode())}.{signature}"
    with pytest.raises(InvalidAccessToken, match="Signature"):
        tokens.decode(tampered)


def test_token_of_another_secret_is_rejected() -> None:
    ours = codec(keys=[{"kid": "k1", "secret": HS_SECRET, "current": True}])
    theirs = codec(keys=[{"kid": "k1", "secret": "t" * 48, "current": True}])
    with pytest.raises(InvalidAccessToken):
        ours.decode(theirs.encode(1).token)


@pytest.mark.parametrize(
    "token",
    ["", "garbage", "a.b.c", "a.b", "....", "é.é.é", "x" * 9000, "eyJhbGciOiJIUzI1NiJ9.e30."],
)
def test_garbage_is_rejected(token: str) -> None:
    with pytest.raises(InvalidAccessToken):
        codec().decode(token)


def test_missing_claims_are_rejected() -> None:
    tokens = codec(keys=[{"kid": "k1", "secret": HS_SECRET, "current": True}])
    payload = valid_payload(tokens)
    del payload["jti"]
    token = jwt.encode(payload, HS_SECRET, algorithm="HS256", headers={"kid": "k1"})
    with pytest.raises(InvalidAccessToken, match="jti"):
        tokens.decode(token)
    no_kid = jwt.encode(valid_payload(tokens), HS_SECRET, algorithm="HS256")
    with pytest.raises(InvalidAccessToken, match="unknown signing key"):
        tokens.decode(no_kid)


def test_a_verified_token_is_remembered_until_it_expires() -> None:
    tokens = codec(leeway=0)
    token = tokens.encode(1, ttl=timedelta(seconds=2)).token
    first = tokens.decode(token)
    assert tokens.decode(token) is first
    time.sleep(2.1)
    with pytest.raises(InvalidAccessToken, match="expired"):
        tokens.decode(token)


def test_a_remembered_token_is_verified_again_when_its_key_changes() -> None:
    tokens = codec(keys=[{"kid": "a", "secret": HS_SECRET, "current": True}])
    token = tokens.encode(1).token
    tokens.decode(token)
    tokens.keys = codec(keys=[{"kid": "a", "secret": "t" * 48, "current": True}]).keys
    with pytest.raises(InvalidAccessToken, match="invalid token"):
        tokens.decode(token)


def test_the_memo_of_verified_tokens_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(access, "VERIFIED_MEMO", 2)
    tokens = codec()
    issued = [tokens.encode(1).token for _ in range(3)]
    verified: list[str] = []
    real_decode = jwt.decode

    def counting(token: str, *args: Any, **kwargs: Any) -> Any:
        verified.append(token)
        return real_decode(token, *args, **kwargs)

    monkeypatch.setattr(jwt, "decode", counting)
    for token in [*issued, issued[2], issued[0]]:
        tokens.decode(token)
    assert verified == [*issued, issued[0]]  # the third is remembered, the first forgotten


def test_rotation_keeps_old_tokens_valid_until_the_key_is_removed() -> None:
    old_key = {"kid": "2024", "private_key": _pem_private(ED_OLD)}
    new_key = {"kid": "2025", "private_key": _pem_private(ED_KEY)}
    before = codec(algorithm="EdDSA", keys=[{**old_key, "current": True}])
    old_token = before.encode(1).token
    # rotate: the new key signs, the old one (public part only) still verifies
    retired = {"kid": "2024", "public_key": _pem_public(ED_OLD)}
    during = codec(algorithm="EdDSA", keys=[{**new_key, "current": True}, retired])
    assert during.decode(old_token).kid == "2024"
    new_token = during.encode(1).token
    assert jwt.get_unverified_header(new_token)["kid"] == "2025"
    after = codec(algorithm="EdDSA", keys=[{**new_key, "current": True}])
    assert after.decode(new_token).subject == "1"
    with pytest.raises(InvalidAccessToken, match="unknown signing key"):
        after.decode(old_token)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"keys": [{"kid": "a", "secret": "short", "current": True}]}, "needs at least 32"),
        (
            {"algorithm": "EdDSA", "keys": [{"kid": "a", "secret": HS_SECRET, "current": True}]},
            "PEM keys, not a secret",
        ),
        (
            {
                "algorithm": "EdDSA",
                "keys": [{"kid": "a", "private_key": _pem_private(RSA_KEY), "current": True}],
            },
            "not a usable EdDSA key",
        ),
        (
            {"keys": [{"kid": "a", "private_key": _pem_private(ED_KEY), "current": True}]},
            "are a `secret`",
        ),
        ({"algorithm": "RS256"}, "tokens.keys is empty"),
        (
            {
                "algorithm": "EdDSA",
                "keys": [{"kid": "a", "public_key": _pem_public(ED_KEY), "current": True}],
            },
            "cannot sign",
        ),
        (
            {
                "algorithm": "EdDSA",
                "keys": [
                    {
                        "kid": "a",
                        "private_key": _pem_private(ED_KEY),
                        "public_key": _pem_public(ED_OLD),
                        "current": True,
                    }
                ],
            },
            "does not belong",
        ),
    ],
)
def test_bad_key_configuration_fails_naming_the_key(options: dict[str, Any], message: str) -> None:
    with pytest.raises(ShipyardError, match=message):
        codec(**options)


def test_exactly_one_current_key_and_unique_kids() -> None:
    with pytest.raises(ValidationError, match="exactly one key"):
        TokenSettings.model_validate({"keys": [{"kid": "a", "secret": HS_SECRET}]})
    with pytest.raises(ValidationError, match="unique"):
        TokenSettings.model_validate(
            {
                "keys": [
                    {"kid": "a", "secret": HS_SECRET, "current": True},
                    {"kid": "a", "secret": HS_SECRET},
                ]
            }
        )


def test_invalid_scopes_are_refused_at_issue() -> None:
    with pytest.raises(ValueError, match="invalid scope"):
        codec().encode(1, scopes=["has space"])

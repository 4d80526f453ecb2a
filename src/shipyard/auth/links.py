"""Signed, expiring, single-use tokens for emailed links (verify, reset, change email).

A token is the user id, the purpose and a fingerprint of the account state the link may
change, signed (itsdangerous, the app's secret key, one salt per purpose) with a
timestamp. The fingerprint makes each link die by itself once used, with nothing
stored: a verification link covers the address and ``is_verified``; a reset link covers
the password hash and ``password_changed_at`` (so any password change kills it); an
email-change link covers the current and the pending address.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from typing import Literal

from itsdangerous import BadData, URLSafeTimedSerializer

from shipyard.auth.models import User, normalize_email
from shipyard.config.models import Settings

Purpose = Literal["verify", "reset", "email"]


@dataclass(frozen=True, slots=True)
class LinkClaim:
    """What a valid token says: whose account, and the new address for ``email``."""

    user_id: int
    fingerprint: str
    new_email: str | None = None


def _serializer(settings: Settings, purpose: Purpose) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(
        settings.app.secret_key.get_secret_value(),
        salt=f"shipyard.auth.{purpose}",
        signer_kwargs={"digest_method": hashlib.sha256},
    )


def _max_age(settings: Settings, purpose: Purpose) -> int:
    auth = settings.auth
    return {
        "verify": auth.verify_token_max_age,
        "reset": auth.reset_token_max_age,
        "email": auth.email_change_token_max_age,
    }[purpose]


def fingerprint(settings: Settings, user: User, purpose: Purpose) -> str:
    """A keyed digest of the account state a ``purpose`` link depends on."""
    if purpose == "verify":
        parts = [user.email, str(user.is_verified)]
    elif purpose == "reset":
        parts = [user.password_hash, user.password_changed_at.isoformat()]
    else:
        parts = [user.email, user.pending_email or ""]
    key = settings.app.secret_key.get_secret_value().encode()
    message = "\x00".join([purpose, str(user.id), *parts]).encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:32]


def make_token(settings: Settings, user: User, purpose: Purpose) -> str:
    """A URL-safe token for a ``purpose`` link to ``user``'s account."""
    payload: dict[str, object] = {"u": user.id, "f": fingerprint(settings, user, purpose)}
    if purpose == "email":
        payload["e"] = user.pending_email
    return _serializer(settings, purpose).dumps(payload)


def read_token(settings: Settings, token: str, purpose: Purpose) -> LinkClaim | None:
    """The claim of a genuine, unexpired token for ``purpose``; None otherwise."""
    try:
        payload = _serializer(settings, purpose).loads(token, max_age=_max_age(settings, purpose))
    except BadData:
        return None
    if not isinstance(payload, dict):
        return None
    user_id, digest, new_email = payload.get("u"), payload.get("f"), payload.get("e")
    if not isinstance(user_id, int) or isinstance(user_id, bool) or not isinstance(digest, str):
        return None
    if purpose == "email" and not isinstance(new_email, str):
        return None
    return LinkClaim(user_id, digest, new_email if purpose == "email" else None)


def claim_matches(settings: Settings, user: User, claim: LinkClaim, purpose: Purpose) -> bool:
    """True if the account is still in the state the link was made for (single use)."""
    if user.id != claim.user_id:
        return False
    if purpose == "email" and normalize_email(claim.new_email or "") != user.pending_email:
        return False
    return hmac.compare_digest(fingerprint(settings, user, purpose), claim.fingerprint)

"""Creating, listing, revoking and checking API keys.

A key is ``<prefix><8 random letters/digits><43 random base64url characters>`` (32+
random bytes). It is shown once, by :func:`create_api_key`; the database keeps its SHA-256
hash. A fast hash is right here, unlike for passwords: a key has 256 bits of entropy, so
nobody can guess it from the hash however fast they hash, and checking costs
microseconds on every request. Checking finds candidate rows by the visible prefix, then
compares hashes in constant time (:func:`hmac.compare_digest`).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import string
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from shipyard.auth.apikeys.models import ApiKey
from shipyard.auth.models import User
from shipyard.auth.scopes import format_scopes
from shipyard.config.models import ApiKeySettings
from shipyard.core.clock import utc_now
from shipyard.db.direct import DirectSelect, adopt, column_keys
from shipyard.db.kept import read

IDENT_LENGTH = 8
MAX_KEY_LENGTH = 128
_ALPHANUMERIC = string.ascii_letters + string.digits
_KEY_CHARS = re.compile(r"^[A-Za-z0-9_-]+$")


@dataclass(frozen=True)
class CreatedApiKey:
    """A new key: ``key`` is the full secret, shown to the user this once only."""

    key: str
    record: ApiKey


_KEY_COLUMNS = column_keys(ApiKey)
_KEY_NAMES = tuple(name for name, _ in _KEY_COLUMNS)
_HASH_INDEX = _KEY_NAMES.index("key_hash")
_CANDIDATES = DirectSelect(
    select(*(column for _, column in _KEY_COLUMNS)).where(
        ApiKey.__table__.c.prefix == bindparam("prefix")
    )
)
"""The keys sharing a visible prefix (one, but for a collision): read for every keyed request."""


def hash_api_key(key: str) -> str:
    """The SHA-256 hex digest stored for ``key``."""
    return hashlib.sha256(key.encode()).hexdigest()


def _user_id(user: User | int) -> int:
    return user if isinstance(user, int) else user.id


async def create_api_key(
    session: AsyncSession,
    user: User | int,
    name: str,
    *,
    scopes: Iterable[str] | None = None,
    expires_at: datetime | None = None,
    settings: ApiKeySettings | None = None,
) -> CreatedApiKey:
    """Create a key for ``user``; ``scopes=None`` lets it do whatever the user may."""
    options = settings or ApiKeySettings()
    name = name.strip()
    if not name or len(name) > 100:
        raise ValueError("an API key name is 1 to 100 characters")
    scope_list = None if scopes is None else sorted(set(scopes))
    if scope_list:
        format_scopes(scope_list)  # raises ValueError on an empty or spaced scope
    ident = "".join(secrets.choice(_ALPHANUMERIC) for _ in range(IDENT_LENGTH))
    key = f"{options.prefix}{ident}{secrets.token_urlsafe(32)}"
    record = ApiKey(
        user_id=_user_id(user),
        name=name,
        prefix=key[: len(options.prefix) + IDENT_LENGTH],
        last4=key[-4:],
        key_hash=hash_api_key(key),
        scopes=scope_list,
        expires_at=expires_at,
        created_at=utc_now(),
    )
    session.add(record)
    await session.flush()
    return CreatedApiKey(key, record)


async def list_api_keys(
    session: AsyncSession, user: User | int, *, include_revoked: bool = False
) -> list[ApiKey]:
    """The user's keys, newest first (revoked ones only if asked)."""
    query = select(ApiKey).where(ApiKey.user_id == _user_id(user))
    if not include_revoked:
        query = query.where(ApiKey.revoked_at.is_(None))
    return list(await session.scalars(query.order_by(ApiKey.created_at.desc(), ApiKey.id.desc())))


async def revoke_api_key(session: AsyncSession, user: User | int, key_id: int) -> bool:
    """Revoke one of the user's keys; False if the user has no such live key."""
    record = await session.scalar(
        select(ApiKey).where(
            ApiKey.id == key_id, ApiKey.user_id == _user_id(user), ApiKey.revoked_at.is_(None)
        )
    )
    if record is None:
        return False
    record.revoked_at = utc_now()
    await session.flush()
    return True


async def check_api_key(
    session: AsyncSession, key: str, settings: ApiKeySettings, *, now: datetime | None = None
) -> ApiKey | None:
    """The live key record matching ``key`` (its last use recorded), or None."""
    moment = now or utc_now()
    prefix_length = len(settings.prefix) + IDENT_LENGTH
    if (
        len(key) > MAX_KEY_LENGTH
        or len(key) <= prefix_length
        or not key.startswith(settings.prefix)
        or not _KEY_CHARS.match(key)
    ):
        return None
    digest = hash_api_key(key)
    rows = await read(session, _CANDIDATES, prefix=key[:prefix_length])
    values = next(
        (
            dict(zip(_KEY_NAMES, row, strict=True))
            for row in rows
            if hmac.compare_digest(row[_HASH_INDEX], digest)
        ),
        None,
    )
    if values is None:
        return None
    found = adopt(session, ApiKey, values)
    if not found.is_usable(moment):
        return None
    await _touch(session, found, moment, settings.touch_interval)
    return found


async def _touch(session: AsyncSession, record: ApiKey, now: datetime, interval: int) -> None:
    """Record the use, at most once per ``interval`` seconds (a conditional UPDATE)."""
    threshold = now - timedelta(seconds=interval)
    if record.last_used_at is not None and record.last_used_at > threshold:
        return
    await session.execute(
        update(ApiKey)
        .where(
            ApiKey.id == record.id,
            or_(ApiKey.last_used_at.is_(None), ApiKey.last_used_at <= threshold),
        )
        .values(last_used_at=now)
        .execution_options(synchronize_session=False)
    )
    record.last_used_at = now

"""Sign-ins in progress, kept in the browser's session: state, PKCE verifier, nonce.

:func:`begin` stores a :class:`PendingSignIn` under a fresh random ``state`` in the
session (so a state only works in the browser that started it). :func:`claim` takes it
out again: once (single use), only before it expires (``oauth.state_max_age``), and only
for the provider it was started for (a callback on another provider's URL is a mix-up).
A session holds at most :data:`MAX_PENDING` of them; the oldest go first.
"""

from __future__ import annotations

import secrets
from dataclasses import asdict, dataclass
from typing import Any, Literal

from starlette.requests import HTTPConnection

from shipyard.auth.oauth.errors import START_AGAIN, OAuthFailure
from shipyard.sessions.session import load_session

SESSION_KEY = "oauth_pending"
MAX_PENDING = 5
Intent = Literal["login", "link"]


@dataclass(frozen=True, slots=True)
class PendingSignIn:
    """What the callback needs to finish a sign-in this browser started."""

    provider: str
    verifier: str
    nonce: str
    next: str
    intent: Intent
    user_id: int | None
    started: float


async def begin(
    request: HTTPConnection,
    provider: str,
    next_path: str,
    intent: Intent,
    user_id: int | None,
    now: float,
) -> tuple[str, PendingSignIn]:
    """A new state and its pending sign-in (started at ``now``), stored in the session."""
    session = await load_session(request)
    pending: dict[str, Any] = dict(session.get(SESSION_KEY) or {})
    state = secrets.token_urlsafe(32)
    entry = PendingSignIn(
        provider=provider,
        verifier=secrets.token_urlsafe(64),
        nonce=secrets.token_urlsafe(32),
        next=next_path,
        intent=intent,
        user_id=user_id,
        started=now,
    )
    pending[state] = asdict(entry)
    while len(pending) > MAX_PENDING:
        oldest = min(pending, key=lambda key: pending[key]["started"])
        del pending[oldest]
    session[SESSION_KEY] = pending
    return state, entry


async def claim(
    request: HTTPConnection, state: str | None, provider: str, max_age: int, now: float
) -> PendingSignIn:
    """The pending sign-in of ``state``, removed from the session; OAuthFailure if none."""
    if not state:
        raise OAuthFailure("callback without state", START_AGAIN)
    session = await load_session(request)
    pending: dict[str, Any] = dict(session.get(SESSION_KEY) or {})
    stored = pending.pop(state, None)
    if stored is not None:
        session[SESSION_KEY] = pending
    if not isinstance(stored, dict):
        raise OAuthFailure("state unknown to this session (reused, forged or expired)", START_AGAIN)
    entry = PendingSignIn(**stored)
    if now - entry.started > max_age:
        raise OAuthFailure("state expired", START_AGAIN)
    if entry.provider != provider:
        raise OAuthFailure(
            f"state of {entry.provider!r} came back on {provider!r}'s callback (mix-up)",
            START_AGAIN,
        )
    return entry

"""The session store protocol every backend implements, and the record it returns.

A backend stores opaque session payloads (JSON text) under a session id with an absolute
expiry. It knows nothing about cookies, signing or requests: that is the middleware's job
(``shipyard.sessions.session``). Backends: ``database`` (the default) and ``redis``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, runtime_checkable


@dataclass(frozen=True, slots=True)
class SessionRecord:
    """A stored session: its JSON payload and when it expires (aware UTC)."""

    payload: str
    expires_at: datetime


@runtime_checkable
class SessionBackend(Protocol):
    """Where server-side sessions live. Every method takes the raw (unsigned) session id."""

    async def load(self, session_id: str) -> SessionRecord | None:
        """The live record for ``session_id``, or None if it is unknown or expired."""
        ...

    async def save(self, session_id: str, payload: str, expires_at: datetime) -> None:
        """Create or replace the record for ``session_id``."""
        ...

    async def touch(self, session_id: str, expires_at: datetime) -> None:
        """Move the expiry of an existing record (sliding expiry), keeping its payload."""
        ...

    async def delete(self, session_id: str) -> None:
        """Forget ``session_id``; deleting an unknown id is not an error."""
        ...

    async def close(self) -> None:
        """Release connections; called when the app shuts down."""
        ...

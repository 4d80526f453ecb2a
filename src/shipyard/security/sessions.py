"""The lazy server-side session: a mapping loaded from the store only when it is used.

:class:`SessionMiddleware` (``shipyard.security.session_middleware``) puts one
:class:`Session` per request in ``scope["session"]``; it holds the verified id from the
cookie and nothing else until something awaits :meth:`Session.load` (the
:data:`SessionDep` dependency or :func:`load_session` do). A request without a session
cookie never touches the store: its session is empty from the start. Mapping access on a
session that has a cookie but was not loaded raises :class:`SessionNotLoaded`, naming the
fix, instead of silently answering from nothing.

Values must be JSON-serialisable. Assigning, deleting or :meth:`Session.mark_modified`
(after changing a nested value in place) schedules a save when the response starts.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable, Iterator, MutableMapping
from datetime import datetime, timedelta
from typing import Annotated, Any

from fastapi import Depends
from starlette.requests import HTTPConnection

from shipyard.db.model import utcnow
from shipyard.errors import ShipyardError
from shipyard.security.backends import SessionBackend

ID_BYTES = 32


def new_session_id() -> str:
    """A fresh random session id (32 random bytes, base64url: 43 characters)."""
    return secrets.token_urlsafe(ID_BYTES)


class SessionNotLoaded(ShipyardError):
    """The session was read before being loaded from the store."""

    def __init__(self) -> None:
        super().__init__(
            "the session was used before it was loaded from the session store",
            hint="serve pages from a `shipyard.web.PageRouter`, declare "
            "`session: SessionDep` in the endpoint, "
            "or `await load_session(request)` first",
        )


class SessionTooLarge(ShipyardError):
    """The session grew past ``sessions.max_size``."""


class Session(MutableMapping[str, Any]):
    """One request's session: its id, and its data once loaded."""

    def __init__(
        self,
        backend: Callable[[], SessionBackend],
        session_id: str | None,
        *,
        max_age: int,
        touch_interval: int,
    ) -> None:
        self._backend = backend
        self._id = session_id
        self._data: dict[str, Any] | None = None if session_id else {}
        self._max_age = max_age
        self._touch_interval = touch_interval
        self.modified = False
        self.stored = False
        self.needs_cookie = False
        self.needs_touch = False
        self.cleared = False
        self.stale_ids: list[str] = []

    # -- identity ---------------------------------------------------------------------

    @property
    def id(self) -> str:
        """The session id; a new one is allocated (and its cookie set) if there was none."""
        if self._id is None:
            self._id = new_session_id()
            self.needs_cookie = True
        return self._id

    @property
    def current_id(self) -> str | None:
        """The session id if the request has one, without allocating."""
        return self._id

    @property
    def loaded(self) -> bool:
        """True once the data is available (always true for a cookieless request)."""
        return self._data is not None

    async def load(self) -> Session:
        """Read the data from the store, once; later calls return at once."""
        if self._data is not None or self._id is None:
            return self
        record = await self._backend().load(self._id)
        data: dict[str, Any] = {}
        if record is not None:
            try:
                decoded = json.loads(record.payload)
            except ValueError:
                decoded = None
            if isinstance(decoded, dict):
                data = decoded
                self.stored = True
                self.needs_touch = self._renewal_due(record.expires_at)
        self._data = data
        return self

    def _renewal_due(self, expires_at: datetime) -> bool:
        """True if the expiry was last renewed more than ``touch_interval`` seconds ago."""
        renewed_at = expires_at - timedelta(seconds=self._max_age)
        return utcnow() - renewed_at >= timedelta(seconds=self._touch_interval)

    def rotate(self) -> None:
        """Move the (loaded) data to a fresh id; the old id is deleted from the store."""
        data = self._require()
        if self._id is not None:
            self.stale_ids.append(self._id)
        self._id = new_session_id()
        self.needs_cookie = True
        self.stored = False
        self.modified = bool(data)

    def invalidate(self) -> None:
        """Drop all data and the id (logout); the store record and the cookie go too."""
        if self._id is not None:
            self.stale_ids.append(self._id)
        self._id = None
        self._data = {}
        self.stored = False
        self.modified = False
        self.needs_cookie = False
        self.cleared = True

    def mark_modified(self) -> None:
        """Save the session even though no key was assigned (nested value changed)."""
        self._require()
        self.modified = True

    def serialize(self, max_size: int) -> str:
        """The data as compact JSON; a clear error if it is not JSON or over ``max_size``."""
        try:
            payload = json.dumps(self._require(), separators=(",", ":"), default=_refuse)
        except TypeError as exc:
            raise SessionTooLarge(str(exc), hint="store ids and plain values only") from exc
        size = len(payload.encode())
        if size > max_size:
            raise SessionTooLarge(
                f"session data is {size} bytes, over sessions.max_size ({max_size})",
                hint="keep large data in the database and only its id in the session, "
                "or raise sessions.max_size",
            )
        return payload

    # -- mapping ----------------------------------------------------------------------

    def _require(self) -> dict[str, Any]:
        if self._data is None:
            raise SessionNotLoaded()
        return self._data

    def __getitem__(self, key: str) -> Any:
        return self._require()[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self._require()[key] = value
        self.modified = True

    def __delitem__(self, key: str) -> None:
        del self._require()[key]
        self.modified = True

    def __iter__(self) -> Iterator[str]:
        return iter(self._require())

    def __len__(self) -> int:
        return len(self._require())

    def clear(self) -> None:
        """Remove every key (the id stays; use :func:`clear_session` to log out)."""
        data = self._require()
        if data:
            data.clear()
            self.modified = True

    def __repr__(self) -> str:
        state = repr(self._data) if self._data is not None else "not loaded"
        return f"<Session {state}>"


def _refuse(value: object) -> Any:
    raise TypeError(f"session values must be JSON-serialisable, got {type(value).__name__}")


def get_session(request: HTTPConnection) -> Session:
    """The request's lazy :class:`Session` (put there by the session middleware)."""
    session = request.scope.get("session")
    if not isinstance(session, Session):
        raise ShipyardError(
            "this request has no Shipyard session",
            hint="sessions come from SecurityExtension's middleware; use a shipyard.App",
        )
    return session


async def load_session(request: HTTPConnection) -> Session:
    """The request's session, loaded from the store (a FastAPI dependency too)."""
    return await get_session(request).load()


SessionDep = Annotated[Session, Depends(load_session)]
"""Endpoint parameter type: the loaded session (``session: SessionDep``)."""


async def rotate_session_id(request: HTTPConnection) -> None:
    """Give the session a new id, keeping its data; call it at login (session fixation).

    The old id is deleted from the store, and the CSRF secret (bound to the id) changes.
    """
    session = await load_session(request)
    session.rotate()


def clear_session(request: HTTPConnection) -> None:
    """Delete the session and its cookie (logout); a later use starts a new empty one."""
    get_session(request).invalidate()

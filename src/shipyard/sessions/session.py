"""The lazy server-side session: a mapping loaded from the store only when it is used.

:class:`SessionMiddleware` (``shipyard.sessions.middleware``) puts one :class:`Session`
per request in ``scope["shipyard.session"]``; it holds the verified id from the cookie
and nothing else until something awaits :meth:`Session.load` (the
:data:`SessionDep` dependency or :func:`load_session` do). A request without a session
cookie never touches the store: its session is empty from the start. Mapping access on a
session that has a cookie but was not loaded raises :class:`SessionNotLoaded`, naming the
fix, instead of silently answering from nothing.

Reading or writing it, or taking its id (for a CSRF token), marks the session
``accessed``: the response then depends on it and is kept out of caches
(:mod:`shipyard.sessions.caching`). Loading it, and peeking at :attr:`Session.current_id`,
are not uses.

Values must be JSON-serialisable. Assigning, deleting or :meth:`Session.mark_modified`
(after changing a nested value in place) schedules a save when the response starts.
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Callable, Iterator, MutableMapping
from datetime import datetime, timedelta
from typing import Annotated, Any

from fastapi import Depends
from starlette.requests import HTTPConnection

from shipyard.core.clock import utc_now
from shipyard.errors import ShipyardError
from shipyard.sessions.backends import SessionBackend

ID_BYTES = 32
OWNER_SEPARATOR = "~"
OWNER_PATTERN = r"[A-Za-z0-9_-]{1,16}"
"""What an owner tag may be: it sits in the session id, in front of the random part."""
SCOPE_KEY = "shipyard.session"
"""Where the request's :class:`Session` lives in the ASGI scope (``scope["session"]`` is
left to Starlette's own ``SessionMiddleware``, which Authlib and others rely on)."""
EXPIRY_KEY = "_shipyard_expiry"
"""Session key holding a per-session lifetime set by :meth:`Session.set_expiry`."""


def new_session_id(owner: str | None = None) -> str:
    """A fresh random session id (32 random bytes, base64url: 43 characters).

    ``owner`` (up to 16 base64url characters, from :func:`rotate_session_id`) prefixes it
    as ``<owner>~<random>``, so the signed cookie alone says whose session it is.
    """
    token = secrets.token_urlsafe(ID_BYTES)
    return token if owner is None else f"{owner}{OWNER_SEPARATOR}{token}"


def owner_of(session_id: str | None) -> str | None:
    """The owner tag a session id carries (a logged-in session), or None."""
    if session_id is None or OWNER_SEPARATOR not in session_id:
        return None
    return session_id.split(OWNER_SEPARATOR, 1)[0]


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
        session_id: str | Callable[[], str | None] | None,
        *,
        max_age: int,
        touch_interval: int,
    ) -> None:
        """``session_id``: the verified id, or a function reading it (the cookie is then
        only parsed and its signature checked when something asks for the session)."""
        self._backend = backend
        self._read_id = session_id if callable(session_id) else None
        self._id_value = None if callable(session_id) else session_id
        self._data_value: dict[str, Any] | None = None if self._id_value else {}
        self._stored_payload: str | None = None
        self._max_age = max_age
        self._touch_interval = touch_interval
        self.modified = False
        self.stored = False
        self.needs_cookie = False
        self.needs_touch = False
        self.cleared = False
        self.stale_ids: list[str] = []
        self.accessed = False

    # -- identity ---------------------------------------------------------------------

    def _resolve(self) -> None:
        """Read the id from the cookie now, if that was left for first use."""
        read, self._read_id = self._read_id, None
        if read is not None:
            self._id_value = read()
            self._data_value = None if self._id_value else {}

    @property
    def _id(self) -> str | None:
        if self._read_id is not None:
            self._resolve()
        return self._id_value

    @_id.setter
    def _id(self, value: str | None) -> None:
        self._resolve()
        self._id_value = value

    @property
    def _data(self) -> dict[str, Any] | None:
        if self._read_id is not None:
            self._resolve()
        return self._data_value

    @_data.setter
    def _data(self, value: dict[str, Any] | None) -> None:
        self._resolve()
        self._data_value = value

    @property
    def id(self) -> str:
        """The session id; a new one is allocated (and its cookie set) if there was none.

        Counts as a use of the session (a CSRF token is derived from it).
        """
        self.accessed = True
        if self._id is None:
            self._id = new_session_id()
            self.needs_cookie = True
        return self._id

    @property
    def current_id(self) -> str | None:
        """The session id if the request has one, without allocating (not a use)."""
        return self._id

    @property
    def owner(self) -> str | None:
        """The owner tag of the session's id (set at login), without reading the store."""
        return owner_of(self._id)

    @property
    def untouched(self) -> bool:
        """True for a request that brought no session, or never asked for it, and did nothing
        with one."""
        if self._read_id is not None:
            return True
        return self._id is None and not (self.modified or self.cleared or self.stale_ids)

    @property
    def private(self) -> bool:
        """True once the response shows someone's session: it was used, and it is someone's.

        A request that brought no (valid) session cookie and used its empty session without
        getting an id or changing anything saw the same as every anonymous visitor.
        """
        return self.accessed and not self.untouched

    def unchanged(self, payload: str) -> bool:
        """True if ``payload`` is what the store already holds for this id (nothing to save)."""
        return self.stored and payload == self._stored_payload

    @property
    def loaded(self) -> bool:
        """True once the data is available (always true for a cookieless request)."""
        return self._data is not None

    async def load(self) -> Session:
        """Read the data from the store, once; later calls return at once.

        Not a use by itself (a page router loads every page's session in advance).
        """
        if self._data is not None or self._id is None:
            return self
        record = await self._backend().load(self._id)
        data: dict[str, Any] = {}
        if record is not None:
            self._stored_payload = record.payload
            try:
                decoded = json.loads(record.payload)
            except ValueError:
                decoded = None
            if isinstance(decoded, dict):
                data = decoded
                self.stored = True
        self._data = data
        if record is not None and self.stored:
            self.needs_touch = self._renewal_due(record.expires_at)
        return self

    def _renewal_due(self, expires_at: datetime) -> bool:
        """True if the expiry was last renewed more than ``touch_interval`` seconds ago."""
        renewed_at = expires_at - timedelta(seconds=self.max_age)
        return utc_now() - renewed_at >= timedelta(seconds=self._touch_interval)

    # -- lifetime ---------------------------------------------------------------------

    def set_expiry(self, max_age: int | None = None, *, persistent: bool = True) -> None:
        """Give this session its own lifetime (login uses it for "remember me").

        ``max_age``: seconds the session lives after its last use, capped at (and by
        default) ``sessions.max_age``. ``persistent=False`` sends a browser-session cookie
        (no ``Max-Age``: it goes when the browser closes). Kept in the session's data.
        """
        data = self._require()
        seconds = self._max_age if max_age is None else max(1, min(max_age, self._max_age))
        data[EXPIRY_KEY] = [seconds, persistent]
        self.modified = True

    def _expiry(self) -> tuple[int, bool]:
        stored = (self._data or {}).get(EXPIRY_KEY)
        if (
            isinstance(stored, list)
            and len(stored) == 2
            and isinstance(stored[0], int)
            and isinstance(stored[1], bool)
        ):
            return max(1, min(stored[0], self._max_age)), stored[1]
        return self._max_age, True

    @property
    def max_age(self) -> int:
        """Seconds this session lives after its last use (``sessions.max_age`` by default)."""
        return self._expiry()[0]

    @property
    def persistent(self) -> bool:
        """False when the cookie should end with the browser session (no ``Max-Age``)."""
        return self._expiry()[1]

    def rotate(self, owner: str | None = None) -> None:
        """Move the (loaded) data to a fresh id (tagged with ``owner``); the old one goes."""
        data = self._require()
        if self._id is not None:
            self.stale_ids.append(self._id)
        self._id = new_session_id(owner)
        self.needs_cookie = True
        self.stored = False
        self._stored_payload = None
        self.modified = bool(data)

    def invalidate(self) -> None:
        """Drop all data and the id (logout); the store record and the cookie go too."""
        self.accessed = True
        if self._id is not None:
            self.stale_ids.append(self._id)
        self._id = None
        self._data = {}
        self.stored = False
        self._stored_payload = None
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
        self.accessed = True
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
    session = request.scope.get(SCOPE_KEY)
    if not isinstance(session, Session):
        raise ShipyardError(
            "this request has no Shipyard session",
            hint="sessions come from the sessions extension's middleware; use a shipyard.App",
        )
    return session


async def load_session(request: HTTPConnection) -> Session:
    """The request's session, loaded from the store (a FastAPI dependency too)."""
    return await get_session(request).load()


SessionDep = Annotated[Session, Depends(load_session)]
"""Endpoint parameter type: the loaded session (``session: SessionDep``)."""


async def rotate_session_id(request: HTTPConnection, *, owner: str | None = None) -> None:
    """Give the session a new id, keeping its data; call it at login (session fixation).

    The old id is deleted from the store, and the CSRF secret (bound to the id) changes.
    ``owner`` (an opaque tag of the user, matching :data:`OWNER_PATTERN`) goes into the
    new id, so the rate limiter can count the session per user without reading the store.
    """
    if owner is not None and not re.fullmatch(OWNER_PATTERN, owner):
        raise ValueError(f"a session owner tag must match {OWNER_PATTERN}, not {owner!r}")
    session = await load_session(request)
    session.rotate(owner)


def clear_session(request: HTTPConnection) -> None:
    """Delete the session and its cookie (logout); a later use starts a new empty one."""
    get_session(request).invalidate()

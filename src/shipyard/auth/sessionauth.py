"""Login sessions: the session authenticator, ``login`` and ``logout``.

A logged-in session holds ``user_id`` and ``auth_epoch`` (the user's ``session_epoch``
at login). The authenticator accepts it only while the epoch still matches, so a
password change or "log out everywhere" (both bump the epoch) ends every other session
without touching the session store. ``login`` rotates the session id (no fixation) and
sets the session's lifetime: ``auth.remember_max_age`` with a persistent cookie for
"remember me", else ``auth.session_max_age`` with a cookie that ends with the browser.
The new id carries the user's :func:`owner_tag` (an HMAC, not the id), so the rate
limiter counts logged-in sessions per user and anonymous ones per IP without a store read.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_object_session
from starlette.requests import HTTPConnection

from shipyard.auth.identity import RESOLVED, Identity, forget_identity
from shipyard.auth.models import User
from shipyard.auth.revocation import revoke_credentials
from shipyard.auth.users import load_user, user_model
from shipyard.config.models import Settings
from shipyard.db.extension import get_database
from shipyard.errors import ShipyardError
from shipyard.sessions.session import clear_session, load_session, rotate_session_id

USER_ID_KEY = "user_id"
EPOCH_KEY = "auth_epoch"


class InactiveUser(ShipyardError):
    """An inactive account was asked to log in."""


def owner_tag(secret_key: str, user_id: int) -> str:
    """The opaque per-user tag in a logged-in session's id (16 base64url characters)."""
    message = f"shipyard.session-owner:{user_id}".encode()
    digest = hmac.new(secret_key.encode(), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:12]).decode()


async def session_authenticator(request: HTTPConnection, db: AsyncSession) -> Identity | None:
    """The Identity of a logged-in session, or None (no login, stale epoch, gone user)."""
    session = await load_session(request)
    user_id = session.get(USER_ID_KEY)
    if not isinstance(user_id, int) or isinstance(user_id, bool):
        return None
    user = await load_user(db, request.app, user_id)
    if user is None or session.get(EPOCH_KEY) != user.session_epoch:
        session.pop(USER_ID_KEY, None)
        session.pop(EPOCH_KEY, None)
        return None
    return Identity(user=user, method="session")


async def login(request: HTTPConnection, user: User, remember: bool = False) -> None:
    """Log ``user`` in on this request's session: new session id, user id stored.

    Works without HTTP credentials (tests, OAuth callbacks): anything that has decided
    who the user is calls it. Raises :class:`InactiveUser` for an inactive account.
    """
    if not user.is_active:
        raise InactiveUser(
            f"user {user.id} is inactive and cannot log in", hint="activate the account first"
        )
    settings: Settings = request.app.settings
    secret_key = settings.app.secret_key.get_secret_value()
    await rotate_session_id(request, owner=owner_tag(secret_key, user.id))
    session = await load_session(request)
    session[USER_ID_KEY] = user.id
    session[EPOCH_KEY] = user.session_epoch
    if remember:
        session.set_expiry(settings.auth.remember_max_age, persistent=True)
    else:
        session.set_expiry(settings.auth.session_max_age, persistent=False)
    request.state.identity = Identity(user=user, method="session")
    request.scope[RESOLVED] = True


async def logout(request: HTTPConnection, everywhere: bool = False) -> None:
    """End this login session; ``everywhere=True`` ends all of the user's sessions.

    "Everywhere" bumps the user's ``session_epoch``: through the request's own database
    session when the user was loaded in it (committed with the request), otherwise in a
    short transaction of its own; the user's other credentials (API tokens...) are
    revoked too.
    """
    session = await load_session(request)
    user_id = session.get(USER_ID_KEY)
    if everywhere and isinstance(user_id, int):
        await _end_all_sessions(request, user_id)
    clear_session(request)
    forget_identity(request)


async def _end_all_sessions(request: HTTPConnection, user_id: int) -> None:
    """Bump the epoch and revoke other credentials, in one database transaction."""
    identity = request.state.identity if request.scope.get(RESOLVED) else None
    if isinstance(identity, Identity) and identity.user.id == user_id:
        user = identity.user
        db = async_object_session(user)
        if db is not None:
            user.session_epoch = (user.session_epoch or 0) + 1
            await revoke_credentials(request.app, db, user_id)
            return
    model = user_model(request.app)
    async with get_database(request.app).sessionmaker() as db, db.begin():
        await db.execute(
            update(model).where(model.id == user_id).values(session_epoch=model.session_epoch + 1)
        )
        await revoke_credentials(request.app, db, user_id)

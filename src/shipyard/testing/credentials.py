"""Real credentials for a user, made directly (no password, no login URL): tests only.

Each function creates what the framework itself would create at login or at token/key
issue time, through the framework's own code:

- :func:`login_session_cookie`: a session in the app's session store holding the payload
  the session authenticator expects (``shipyard.auth.sessionauth``), committed by the
  session middleware's own :func:`~shipyard.sessions.middleware.commit`, which
  also gives the signed ``Set-Cookie`` header;
- :func:`access_token`: a JWT from the app's :class:`~shipyard.auth.tokens.TokenService`
  (requires ``TokensExtension``);
- :func:`api_key`: a key from :func:`~shipyard.auth.apikeys.create_api_key` (requires
  ``TokensExtension`` with API keys on).

Nothing here checks ``is_active``: an inactive user gets a credential, and the app's
central check is what must refuse it.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.ext.asyncio import AsyncSession

from shipyard.auth.authenticators import authenticators
from shipyard.auth.models import User
from shipyard.auth.sessionauth import EPOCH_KEY, USER_ID_KEY
from shipyard.auth.tokens import get_token_service
from shipyard.auth.users import user_model
from shipyard.core.app import AppBase
from shipyard.db.extension import get_database
from shipyard.errors import ShipyardError
from shipyard.security.csrf import csrf_secret, mask_token
from shipyard.sessions.middleware import SessionCookie, commit, get_session_backend
from shipyard.sessions.session import Session


async def _stored_user(db: AsyncSession, app: AppBase, user: User | int) -> User:
    """The user as stored now (fresh ``session_epoch``); a clear error if not stored."""
    user_id = user if isinstance(user, int) else user.id
    found = None if user_id is None else await db.get(user_model(app), user_id)
    if found is None:
        raise ShipyardError(
            f"user {user!r} is not in the database, so no credential can be made for it",
            hint="create it with a factory or flush/commit the session that added it first",
        )
    return found


async def login_session_cookie(app: AppBase, user: User | int) -> tuple[bytes, bytes]:
    """Store a logged-in session for ``user``; the ``Set-Cookie`` header carrying it.

    The payload and lifetime are those :func:`shipyard.auth.login` gives a login without
    "remember me"; the session is written to the app's session backend (database or
    Redis) and the signed cookie is produced exactly as the session middleware does.
    """
    settings = app.settings
    async with get_database(app).sessionmaker() as db:
        stored = await _stored_user(db, app, user)
        user_id, epoch = stored.id, stored.session_epoch or 0
    backend = get_session_backend(app)
    session = Session(
        lambda: backend,
        None,
        max_age=settings.sessions.max_age,
        touch_interval=settings.sessions.touch_interval,
    )
    session[USER_ID_KEY] = user_id
    session[EPOCH_KEY] = epoch
    session.set_expiry(settings.auth.session_max_age, persistent=False)
    header = await commit(session, lambda: backend, SessionCookie(settings), settings)
    if header is None:  # pragma: no cover - a modified, non-empty session always sets one
        raise ShipyardError("the session middleware produced no cookie for a new session")
    return header


async def access_token(
    app: AppBase, user: User | int, *, scopes: Iterable[str] | None = None
) -> str:
    """A real access token for ``user`` from the app's token service (committed)."""
    service = get_token_service(app)
    async with get_database(app).sessionmaker() as db, db.begin():
        stored = await _stored_user(db, app, user)
        pair = await service.issue(db, stored.id, scopes=scopes)
    return pair.access_token


async def api_key(app: AppBase, user: User | int, *, scopes: Iterable[str] | None = None) -> str:
    """A real API key for ``user`` (created and committed); the key itself."""
    # Imported here: importing shipyard.auth.apikeys before shipyard.auth.tokens
    # is circular in those packages.
    from shipyard.auth.apikeys import api_key_authenticator, create_api_key

    if api_key_authenticator not in authenticators(app):
        raise ShipyardError(
            "this app does not accept API keys",
            hint="add TokensExtension() (with api_keys=True, the default) to App(extensions=[...])",
        )
    settings = app.settings
    async with get_database(app).sessionmaker() as db, db.begin():
        stored = await _stored_user(db, app, user)
        created = await create_api_key(
            db, stored.id, "test client", scopes=scopes, settings=settings.tokens.api_keys
        )
    return created.key


def csrf_token_for_cookie(app: AppBase, cookie_value: str) -> str | None:
    """A masked CSRF token for the session in a signed cookie value (None if not ours)."""
    settings = app.settings
    session_id = SessionCookie(settings).verify(cookie_value)
    if session_id is None:
        return None
    return mask_token(csrf_secret(settings.app.secret_key.get_secret_value(), session_id))

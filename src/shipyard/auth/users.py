"""Account operations shared by the flows, the CLI and tests: create, authenticate, change.

Every function works on an ``AsyncSession`` and never commits: the caller's unit of work
(the request's ``DbSession``, a script's transaction) decides. ``user_model(app)`` is the
User class the app uses (``AuthExtension(user_model=...)`` sets a subclass).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, func, select
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload
from starlette.applications import Starlette

from shipyard.auth.models import Role, User, normalize_email, user_roles
from shipyard.auth.pages_config import ACCOUNT_PAGES
from shipyard.auth.passwords import (
    burn_verification_time,
    hash_password,
    password_problems,
    verify_password,
)
from shipyard.auth.revocation import revoke_credentials
from shipyard.config.models import AuthSettings
from shipyard.core.clock import utc_now
from shipyard.db.direct import DirectSelect, adopt, adoptable, column_keys
from shipyard.db.kept import read
from shipyard.errors import ShipyardError

if TYPE_CHECKING:
    from shipyard.core.app import AppBase


class PasswordRejected(ShipyardError):
    """A new password breaks the policy; ``problems`` lists why, for the user."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("password rejected: " + " ".join(problems))
        self.problems = problems


class EmailTaken(ShipyardError):
    """Another account already uses this email address."""


def user_model(app: Starlette) -> type[User]:
    """The app's User class (``User`` unless the AuthExtension was given a subclass)."""
    pages = ACCOUNT_PAGES.find(app)
    return User if pages is None else pages.user_model


async def load_user(session: AsyncSession, app: Starlette, user_id: int) -> User | None:
    """The app's account ``user_id`` with its roles, in one query (what authenticators load).

    The roles come joined instead of in a second ``SELECT`` (their default loading), so
    an authenticated request pays one statement for its user, permissions included. The
    statement runs on the driver (:mod:`shipyard.db.direct`) and the rows become the
    ``User`` and ``Role`` objects the ORM would have loaded, in ``session``; a user model
    the direct path cannot build (polymorphic loading) and a user ``session`` already
    holds go through ``session.get``.
    """
    model = user_model(app)
    direct = _direct_user_query(model)
    if direct is None or direct.key(user_id) in session.sync_session.identity_map:
        return await session.get(model, user_id, options=[joinedload(model.roles)])
    rows = await read(session, direct.query, user_id=user_id)
    if not rows:
        return None
    split = len(direct.user_keys)
    roles = [
        adopt(session, Role, dict(zip(_ROLE_KEYS, row[split:], strict=True)))
        for row in rows
        if row[split] is not None
    ]
    values = dict(zip(direct.user_keys, rows[0][:split], strict=True))
    return adopt(session, model, values, roles=roles)


_ROLE_COLUMNS = column_keys(Role)
_ROLE_KEYS = tuple(key for key, _ in _ROLE_COLUMNS)


@dataclass(frozen=True)
class _DirectUserQuery:
    """A user model's row joined with its roles' rows, read by :func:`load_user`."""

    model: type[User]
    user_keys: tuple[str, ...]
    query: DirectSelect

    def key(self, user_id: int) -> Any:
        """The identity-map key of user ``user_id``."""
        return sa_inspect(self.model).identity_key_from_primary_key((user_id,))


@functools.cache
def _direct_user_query(model: type[User]) -> _DirectUserQuery | None:
    if not adoptable(model):
        return None
    user_columns = column_keys(model)
    users = sa_inspect(model).local_table
    roles = Role.__table__
    statement = (
        select(*(column for _, column in user_columns), *(column for _, column in _ROLE_COLUMNS))
        .select_from(users)
        .outerjoin(user_roles, user_roles.c.user_id == users.c.id)
        .outerjoin(roles, roles.c.id == user_roles.c.role_id)
        .where(users.c.id == bindparam("user_id"))
    )
    keys = tuple(key for key, _ in user_columns)
    return _DirectUserQuery(model, keys, DirectSelect(statement))


async def find_by_email(session: AsyncSession, email: str, model: type[User] = User) -> User | None:
    """The account with this address (compared normalised), or None."""
    statement = select(model).where(model.email == normalize_email(email))
    return (await session.scalars(statement)).one_or_none()


async def email_taken(session: AsyncSession, email: str, model: type[User] = User) -> bool:
    """True if an account uses ``email`` (normalised) as its address."""
    statement = select(func.count()).where(model.email == normalize_email(email))
    return bool(await session.scalar(statement))


async def create_user(
    session: AsyncSession,
    email: str,
    password: str,
    settings: AuthSettings,
    *,
    model: type[User] = User,
    check_password: bool = True,
    **fields: object,
) -> User:
    """A new account, added and flushed (so it has an id).

    Raises :class:`PasswordRejected` or :class:`EmailTaken` (after hashing the password,
    so that a taken address answers no faster); ``check_password=False`` skips the
    policy (for fixtures and imports, never for user input).
    """
    if check_password and (problems := password_problems(password, settings)):
        raise PasswordRejected(problems)
    password_hash = await hash_password(password, settings)  # first: taken costs the same
    if await email_taken(session, email, model):
        raise EmailTaken(f"an account with the address {normalize_email(email)} exists")
    user = model(email=email, password_hash=password_hash, **fields)
    session.add(user)
    await session.flush()
    return user


async def authenticate(
    session: AsyncSession,
    email: str,
    password: str,
    settings: AuthSettings,
    model: type[User] = User,
) -> User | None:
    """The account if ``email`` and ``password`` match, else None (same time either way).

    A hash made with older Argon2 parameters is replaced by a fresh one. The caller still
    decides what to do with an inactive account (the flows refuse it).
    """
    user = await find_by_email(session, email, model)
    if user is None:
        await burn_verification_time(settings)
        return None
    ok, needs_rehash = await verify_password(password, user.password_hash, settings)
    if not ok:
        return None
    if needs_rehash:
        user.password_hash = await hash_password(password, settings)
    return user


async def set_password(
    app: AppBase,
    db: AsyncSession,
    user: User,
    password: str,
    *,
    check_password: bool = True,
) -> None:
    """Change the password and end every credential the old one let the user get.

    New hash and ``password_changed_at``; bumping ``session_epoch`` ends other login
    sessions; the reset and verification links signed over the old hash stop working;
    and the revokers registered by other subsystems (API tokens...) run in ``db``.
    """
    settings: AuthSettings = app.settings.auth
    if check_password and (problems := password_problems(password, settings)):
        raise PasswordRejected(problems)
    user.password_hash = await hash_password(password, settings)
    user.password_changed_at = utc_now()
    user.session_epoch = (user.session_epoch or 0) + 1
    await revoke_credentials(app, db, user.id)

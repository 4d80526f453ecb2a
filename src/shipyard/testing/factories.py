"""Test data factories backed by the real models: ``factory_for(Model, **defaults)``.

A :class:`Factory` builds model instances from defaults plus per-call overrides, adds
them to a session and flushes (so they have ids; the caller's transaction decides about
committing). A default that is a string containing ``{n}`` is a sequence, formatted with
a number unique per model in the test run; a callable default is called with that
number (wrap a value that is itself callable: ``lambda n: my_function``).

:class:`UserFactory` makes :class:`~shipyard.auth.User` accounts with unique emails, a
password hashed with cheap Argon2 parameters (fast tests; logging in still works, the
hash records its own parameters) and roles.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from functools import cache
from typing import Any, Generic, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from shipyard.auth.models import Role, User
from shipyard.auth.passwords import hash_password_sync
from shipyard.config.models import AuthSettings
from shipyard.db import Model

M = TypeVar("M", bound=Model)

DEFAULT_PASSWORD = "factory-password-1234"  # noqa: S105  # nosec B105
FAST_HASHING = AuthSettings(argon2_time_cost=1, argon2_memory_cost=8, argon2_parallelism=1)
"""Argon2 parameters for test users: microseconds instead of tens of milliseconds."""

_counters: dict[type[Any], Iterator[int]] = {}


def next_number(model: type[Any]) -> int:
    """The next sequence number for ``model`` (1, 2, ...; shared by all its factories)."""
    counter = _counters.setdefault(model, itertools.count(1))
    return next(counter)


def _resolve(value: Any, n: int) -> Any:
    if isinstance(value, str) and "{n}" in value:
        return value.replace("{n}", str(n))
    if callable(value) and not isinstance(value, type):
        return value(n)
    return value


class Factory(Generic[M]):
    """Builds and saves ``model`` instances; see :func:`factory_for`."""

    def __init__(self, model: type[M], **defaults: Any) -> None:
        self.model = model
        self.defaults = defaults

    def fields(self, n: int, overrides: dict[str, Any]) -> dict[str, Any]:
        """The constructor arguments for instance number ``n``."""
        values = {**self.defaults, **overrides}
        return {name: _resolve(value, n) for name, value in values.items()}

    def build(self, **overrides: Any) -> M:
        """A new, unsaved instance."""
        return self.model(**self.fields(next_number(self.model), overrides))

    async def create(self, session: AsyncSession, **overrides: Any) -> M:
        """A new instance, added to ``session`` and flushed (it has its id)."""
        instance = self.build(**overrides)
        session.add(instance)
        await session.flush()
        return instance

    async def create_batch(self, session: AsyncSession, n: int, **overrides: Any) -> list[M]:
        """``n`` new instances (sequences advance for each), flushed together."""
        if n < 0:
            raise ValueError(f"create_batch needs a count of 0 or more, got {n}")
        instances = [self.build(**overrides) for _ in range(n)]
        session.add_all(instances)
        await session.flush()
        return instances


def factory_for(model: type[M], **defaults: Any) -> Factory[M]:
    """A factory for ``model``: ``factory_for(Post, title="Post {n}").create(session)``."""
    return Factory(model, **defaults)


@cache
def hashed(password: str) -> str:
    """The (cached) fast Argon2id hash of ``password``.

    Synchronous on purpose (``build()`` is): with :data:`FAST_HASHING` a hash takes
    microseconds, less than handing it to a thread would.
    """
    return hash_password_sync(password, FAST_HASHING)


class UserFactory(Factory[User]):
    """Accounts: ``await UserFactory().create(session, roles=[editor])``.

    ``password=`` (default :data:`DEFAULT_PASSWORD`) is hashed; ``model=`` takes the
    app's User subclass. Users are active and verified unless told otherwise.
    """

    def __init__(self, model: type[User] = User, **defaults: Any) -> None:
        base: dict[str, Any] = {
            "email": "user{n}@example.test",
            "password": DEFAULT_PASSWORD,
            "is_active": True,
            "is_verified": True,
        }
        super().__init__(model, **{**base, **defaults})

    def fields(self, n: int, overrides: dict[str, Any]) -> dict[str, Any]:
        values = super().fields(n, overrides)
        values["password_hash"] = hashed(values.pop("password"))
        roles: list[Role] = list(values.pop("roles", ()))
        values["roles"] = roles
        return values


def role_factory(**defaults: Any) -> Factory[Role]:
    """Roles named ``role{n}``, active, with no permissions unless told otherwise."""
    base: dict[str, Any] = {"name": "role{n}", "permissions": _empty_list, "is_active": True}
    return factory_for(Role, **{**base, **defaults})


def _empty_list(_n: int) -> list[str]:
    return []

"""``Scenario``: declare the data a test needs in one chain, build it with the factories.

::

    scenario = await (
        Scenario()
        .with_role("editor", permissions=["posts:*"])
        .with_user(admin=True)
        .with_user(roles=["editor"], email="ed@example.test")
        .with_(Post, 5, author=lambda s: s.users[1], title="Post {n}")
        .build(session)
    )
    scenario.admin, scenario.users[1], scenario.roles["editor"], scenario.objects[Post]

``build`` creates roles first, then users, then the ``with_`` objects in the order they
were declared, and flushes (the caller's transaction decides about committing). In
``with_`` fields, a callable is given the scenario built so far (to point at its users
or earlier objects); strings with ``{n}`` are factory sequences.
``admin=True`` gives the user the role ``admin``, which holds ``"*"`` (every permission).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Self, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from shipyard.auth.models import Role, User
from shipyard.db import Model
from shipyard.errors import ShipyardError
from shipyard.testing.factories import Factory, UserFactory, factory_for

M = TypeVar("M", bound=Model)

ADMIN_ROLE = "admin"
ALL_PERMISSIONS = "*"


@dataclass
class BuiltScenario:
    """What a :class:`Scenario` created: users, roles by name, objects by model."""

    users: list[User] = field(default_factory=list)
    roles: dict[str, Role] = field(default_factory=dict)
    objects: dict[type[Any], list[Any]] = field(default_factory=dict)
    admins: list[User] = field(default_factory=list)

    @property
    def admin(self) -> User:
        """The first user declared with ``admin=True``."""
        if not self.admins:
            raise ShipyardError(
                "this scenario has no admin user", hint="declare one with .with_user(admin=True)"
            )
        return self.admins[0]

    @property
    def user(self) -> User:
        """The first user declared."""
        if not self.users:
            raise ShipyardError("this scenario has no users", hint="declare one with .with_user()")
        return self.users[0]

    def all(self, model: type[M]) -> list[M]:
        """The objects of ``model`` made by ``with_`` (typed access to ``objects``)."""
        return list(self.objects.get(model, []))


@dataclass
class _Users:
    admin: bool
    roles: tuple[str, ...]
    fields: dict[str, Any]


@dataclass
class _Objects:
    factory: Factory[Any]
    count: int
    fields: dict[str, Any]


class Scenario:
    """A builder of test data; every ``with_*`` returns the scenario for chaining."""

    def __init__(self, *, user_factory: UserFactory | None = None) -> None:
        self.user_factory = user_factory or UserFactory()
        self._roles: dict[str, dict[str, Any]] = {}
        self._users: list[_Users] = []
        self._objects: list[_Objects] = []

    def with_role(self, name: str, *, permissions: Iterable[str] = (), **fields: Any) -> Self:
        """A role called ``name`` holding ``permissions`` (other Role columns as ``fields``)."""
        if name in self._roles:
            raise ShipyardError(f"the scenario already declares a role {name!r}")
        self._roles[name] = {"permissions": list(permissions), **fields}
        return self

    def with_user(self, *, admin: bool = False, roles: Iterable[str] = (), **fields: Any) -> Self:
        """A user (``UserFactory`` fields: email, password, is_active...) with roles by name."""
        self._users.append(_Users(admin, tuple(roles), fields))
        return self

    def with_(self, model: type[M] | Factory[M], count: int = 1, **fields: Any) -> Self:
        """``count`` objects of ``model`` (or from a factory); callables get the scenario."""
        if count < 0:
            raise ValueError(f"with_ needs a count of 0 or more, got {count}")
        factory = model if isinstance(model, Factory) else factory_for(model)
        self._objects.append(_Objects(factory, count, fields))
        return self

    async def build(self, session: AsyncSession) -> BuiltScenario:
        """Create everything in ``session`` (flushed, not committed)."""
        built = BuiltScenario()
        await self._build_roles(session, built)
        for spec in self._users:
            names = (ADMIN_ROLE,) * spec.admin + spec.roles
            roles = [self._role(built, name) for name in dict.fromkeys(names)]
            user = await self.user_factory.create(session, roles=roles, **spec.fields)
            built.users.append(user)
            if spec.admin:
                built.admins.append(user)
        for objects in self._objects:
            made = [
                objects.factory.build(**_with_scenario(objects.fields, built))
                for _ in range(objects.count)
            ]
            session.add_all(made)
            await session.flush()
            built.objects.setdefault(objects.factory.model, []).extend(made)
        return built

    async def _build_roles(self, session: AsyncSession, built: BuiltScenario) -> None:
        declared = dict(self._roles)
        if any(spec.admin for spec in self._users):
            admin = declared.setdefault(ADMIN_ROLE, {"permissions": [ALL_PERMISSIONS]})
            if ALL_PERMISSIONS not in admin["permissions"]:
                raise ShipyardError(
                    f"the scenario's {ADMIN_ROLE!r} role lacks {ALL_PERMISSIONS!r}, "
                    "but with_user(admin=True) needs it",
                    hint=f"drop with_role({ADMIN_ROLE!r}) or give it {ALL_PERMISSIONS!r}",
                )
        for name, fields in declared.items():
            role = Role(name=name, **{"description": "", "is_active": True, **fields})
            session.add(role)
            built.roles[name] = role
        await session.flush()

    @staticmethod
    def _role(built: BuiltScenario, name: str) -> Role:
        role = built.roles.get(name)
        if role is None:
            raise ShipyardError(
                f"with_user(roles=[{name!r}]) names a role the scenario does not declare",
                hint=f'add .with_role("{name}", permissions=[...]) to the scenario',
            )
        return role


def _with_scenario(fields: dict[str, Any], built: BuiltScenario) -> dict[str, Any]:
    """``fields`` with callables replaced by their value for the scenario built so far."""
    return {name: value(built) if _is_reference(value) else value for name, value in fields.items()}


def _is_reference(value: Any) -> bool:
    return callable(value) and not isinstance(value, type)

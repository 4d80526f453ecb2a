"""Managing roles and who has them: create, grant, revoke, deactivate, assign, unassign.

Every function works on an ``AsyncSession`` and never commits (the caller's unit of work
decides), validates permission strings, and raises :class:`ShipyardError` with the fix
for an unknown role or a duplicate name.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from shipyard.auth.models import Role, User
from shipyard.authz.permissions import validate_permission
from shipyard.errors import ShipyardError

ADMIN_ROLE = "admin"
"""The role ``shipyard users create --admin`` and generated seeds give: every permission."""
_NAME_HINT = "role names are 1 to 100 characters without surrounding spaces"


def _check_name(name: str) -> str:
    if not name or name != name.strip() or len(name) > 100:
        raise ShipyardError(f"invalid role name {name!r}", hint=_NAME_HINT)
    return name


async def find_role(session: AsyncSession, name: str) -> Role | None:
    """The role called ``name``, or None."""
    return (await session.scalars(select(Role).where(Role.name == name))).one_or_none()


async def get_role(session: AsyncSession, name: str) -> Role:
    """The role called ``name``; a :class:`ShipyardError` if there is none."""
    role = await find_role(session, name)
    if role is None:
        raise ShipyardError(f"no role named {name!r}", hint="see `shipyard roles list`")
    return role


async def list_roles(session: AsyncSession) -> Sequence[Role]:
    """Every role, by name."""
    return (await session.scalars(select(Role).order_by(Role.name))).all()


async def create_role(
    session: AsyncSession,
    name: str,
    permissions: Iterable[str] = (),
    *,
    description: str = "",
) -> Role:
    """Add an active role holding ``permissions`` (validated, duplicates dropped)."""
    if await find_role(session, _check_name(name)) is not None:
        raise ShipyardError(f"a role named {name!r} already exists", hint="pick another name")
    granted = list(dict.fromkeys(validate_permission(item) for item in permissions))
    role = Role(name=name, description=description, is_active=True, permissions=granted)
    session.add(role)
    await session.flush()
    return role


async def grant_permission(session: AsyncSession, name: str, permission: str) -> Role:
    """Add ``permission`` to the role (no change if it already holds it)."""
    role = await get_role(session, name)
    if validate_permission(permission) not in role.permissions:
        role.permissions = [*role.permissions, permission]
    await session.flush()
    return role


async def revoke_permission(session: AsyncSession, name: str, permission: str) -> Role:
    """Remove ``permission`` (exactly as granted) from the role."""
    role = await get_role(session, name)
    if permission not in role.permissions:
        raise ShipyardError(
            f"role {name!r} does not hold {permission!r}",
            hint=f"it holds: {', '.join(role.permissions) or 'nothing'}",
        )
    role.permissions = [item for item in role.permissions if item != permission]
    await session.flush()
    return role


async def set_role_active(session: AsyncSession, name: str, active: bool) -> Role:
    """Activate or deactivate a role (an inactive role grants nothing)."""
    role = await get_role(session, name)
    role.is_active = active
    await session.flush()
    return role


async def assign_role(session: AsyncSession, user: User, name: str) -> Role:
    """Give ``user`` the role (no change if they have it)."""
    role = await get_role(session, name)
    roles: list[Role] = await user.awaitable_attrs.roles
    if role not in roles:
        roles.append(role)
    await session.flush()
    return role


async def unassign_role(session: AsyncSession, user: User, name: str) -> Role:
    """Take the role away from ``user``."""
    role = await get_role(session, name)
    roles: list[Role] = await user.awaitable_attrs.roles
    if role not in roles:
        raise ShipyardError(f"{user.email} does not have the role {name!r}")
    roles.remove(role)
    await session.flush()
    return role


async def make_admin(session: AsyncSession, user: User) -> Role:
    """Give ``user`` the :data:`ADMIN_ROLE` (``*``), creating the role when it is missing."""
    if await find_role(session, ADMIN_ROLE) is None:
        await create_role(session, ADMIN_ROLE, ["*"], description="Everything.")
    return await assign_role(session, user, ADMIN_ROLE)

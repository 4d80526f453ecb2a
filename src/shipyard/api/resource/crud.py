"""``Resource``: list, get, create, update and delete one model through typed schemas.

::

    ships = Resource(
        Ship,
        listing=Listing(Ship, sortable=["name", "created_at"], selectable=["id", "name"]),
        schema_out=ShipOut,
        schema_create=ShipCreate,
        schema_update=ShipUpdate,
        load=[selectinload(Ship.crew)],
    )
    page = await ships.list(session, query, request, response)
    ship = await ships.get(session, 3)            # ShipOut, or a 404 problem

``load`` holds the loader options every read applies (``selectinload(...)`` for
collections, ``joinedload(...)`` for many-to-one), so a list costs a fixed number of
queries however many rows it returns and ``schema_out`` never triggers a lazy load.
Writes run in a savepoint: a unique or foreign-key violation answers 409 with a clear
detail and leaves the request's session usable.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any, Generic, TypeVar

from fastapi import APIRouter
from pydantic import BaseModel
from sqlalchemy import Select, UniqueConstraint, inspect, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.interfaces import ORMOption
from starlette.requests import Request
from starlette.responses import Response

from shipyard.api.pagination import Page, paginate
from shipyard.api.query import Listing, ListQuery
from shipyard.api.resource.access import NOBODY, Access, not_found, unwritable
from shipyard.api.resource.conflicts import conflict_detail
from shipyard.api.resource.routes import CacheFor, CrudOperation, DependenciesFor, build_router
from shipyard.core.problems import CONFLICT
from shipyard.errors import ShipyardError

ModelT = TypeVar("ModelT")
OutT = TypeVar("OutT", bound=BaseModel)
CreateT = TypeVar("CreateT", bound=BaseModel)
UpdateT = TypeVar("UpdateT", bound=BaseModel)


class Resource(Generic[ModelT, OutT, CreateT, UpdateT]):
    """CRUD over ``model``: pydantic schemas in and out, problem documents on errors."""

    def __init__(
        self,
        model: type[ModelT],
        *,
        listing: Listing,
        schema_out: type[OutT],
        schema_create: type[CreateT],
        schema_update: type[UpdateT],
        load: Sequence[ORMOption] = (),
        label: str | None = None,
        access: Access | None = None,
    ) -> None:
        if listing.model is not model:
            raise ShipyardError(
                f"Resource({model.__name__}): its listing declares {listing.model.__name__}",
                hint=f"pass Listing({model.__name__}, ...)",
            )
        primary_key = inspect(model).primary_key
        if len(primary_key) != 1:
            raise ShipyardError(
                f"Resource({model.__name__}) needs a single-column primary key",
                hint="composite keys are not supported; write those routes by hand",
            )
        self.model = model
        self.listing = listing
        self.schema_out = schema_out
        self.schema_create = schema_create
        self.schema_update = schema_update
        self.load = tuple(load)
        self.access = access
        """Object-level rules (:mod:`.access`): scope, checks and field rules, or None."""
        self.label = label or model.__name__.lower()
        self.primary_key = primary_key[0]
        self.id_key: str = inspect(model).get_property_by_column(self.primary_key).key
        """The primary key's attribute name (``"id"``)."""

    @property
    def unique_fields(self) -> list[str]:
        """Attributes of single-column unique constraints (``unique=True``, unique indexes).

        The create and update operations name those of their body in the OpenAPI document
        (``x-shipyard-unique``), so the API cookbook's "try it" sends fresh values.
        """
        mapper = inspect(self.model)
        table = mapper.local_table
        singles: list[Any] = [column for column in table.columns if column.unique]
        for constraint in getattr(table, "constraints", ()):
            if isinstance(constraint, UniqueConstraint) and len(constraint.columns) == 1:
                singles.extend(constraint.columns)
        for index in getattr(table, "indexes", ()):
            if index.unique and len(index.columns) == 1:
                singles.extend(index.columns)
        names = []
        for column in singles:
            key = mapper.get_property_by_column(column).key
            if key not in names and column is not self.primary_key:
                names.append(key)
        return names

    @property
    def id_type(self) -> type[Any]:
        """The Python type of the primary key (the ``{id}`` path parameter's type)."""
        python_type: type[Any] = self.primary_key.type.python_type
        return python_type

    @property
    def query_dependency(self) -> Any:
        """The dependency parsing the list query as the caller may ask it (field rules).

        ``Depends(ships.query_dependency)`` in a hand-written list route: with ``access``,
        a sort, filter or field the caller may not read is refused like an unknown one.
        """
        if self.access is None:
            return self.listing.dependency
        return self.listing.dependency_for(self.access.principal, self.access.readable_fields)

    def select(self) -> Select[Any]:
        """``SELECT model`` with the declared loader options; lists and reads start here."""
        return select(self.model).options(*self.load)

    def scoped(self, statement: Select[Any], principal: Any = NOBODY) -> Select[Any]:
        """``statement`` narrowed to what ``principal`` may see (as is without ``access``)."""
        if self.access is None:
            return statement
        return self.access.scope(statement, self._principal(principal))

    def shown(self, item: OutT, principal: Any = NOBODY) -> OutT | dict[str, Any]:
        """``item`` without the fields ``principal`` may not read (a dict when any are cut)."""
        readable = self._readable(principal)
        if readable is None:
            return item
        return item.model_dump(include=set(readable))

    async def list(
        self,
        session: AsyncSession,
        query: ListQuery,
        request: Request,
        response: Response | None = None,
        *,
        principal: Any = NOBODY,
    ) -> Page[Any]:
        """One page of the listing (``Link`` headers set on ``response``).

        Items are ``schema_out`` instances; when the request selects fields
        (``?fields=``) they are dicts of just those fields, nested for joined ones. With
        ``access``, only rows in ``principal``'s scope, and only fields it may read.
        """
        statement = self.scoped(self.select(), principal)
        if query.fields_requested:
            page = await paginate(session, statement, query, request=request, response=response)
            page.items = [query.project(item) for item in page.items]
            return page
        page = await paginate(
            session, statement, query, request=request, response=response, item=self.schema_out
        )
        if self._readable(principal) is not None:
            page.items = [self.shown(item, principal) for item in page.items]
        return page

    async def fetch(self, session: AsyncSession, id: Any, *, principal: Any = NOBODY) -> ModelT:
        """The row with primary key ``id``, relationships loaded; 404 problem if none.

        With ``access``, a row outside ``principal``'s scope is missing too.
        """
        if self.access is None:
            row = await self._reload(session, id)
        else:
            statement = self.scoped(self.select().where(self.primary_key == id), principal)
            statement = statement.execution_options(populate_existing=True)
            row = (await session.scalars(statement)).unique().one_or_none()
        if row is None:
            raise not_found(self.label, id)
        return row

    async def get(self, session: AsyncSession, id: Any, *, principal: Any = NOBODY) -> OutT:
        """``schema_out`` of the row with primary key ``id``; 404 problem if none."""
        row = await self.fetch(session, id, principal=principal)
        self._check(principal, "view", row)
        return self._out(row)

    async def create(
        self, session: AsyncSession, data: CreateT, *, principal: Any = NOBODY
    ) -> OutT:
        """Insert a row from ``data``; 409 problem when a constraint refuses it."""
        self._check_writable(principal, data.model_dump(exclude_unset=True))
        row = self.model(**data.model_dump())
        if self.access is not None:
            self.access.prepare(self._principal(principal), row)
        self._check(principal, "create", row)
        await self._write(session, row)
        return self._out(await self._reload(session, getattr(row, self.id_key)))

    async def update(
        self, session: AsyncSession, id: Any, data: UpdateT, *, principal: Any = NOBODY
    ) -> OutT:
        """Change the fields ``data`` sets (a partial update); 404 / 409 problems."""
        row = await self.fetch(session, id, principal=principal)
        self._check(principal, "update", row)
        changes = data.model_dump(exclude_unset=True)
        self._check_writable(principal, changes)
        for name, value in changes.items():
            setattr(row, name, value)
        await self._write(session, row)
        return self._out(await self._reload(session, id))

    async def delete(self, session: AsyncSession, id: Any, *, principal: Any = NOBODY) -> None:
        """Delete the row with primary key ``id``; 404 problem if none, 409 if still used."""
        row = await self.fetch(session, id, principal=principal)
        self._check(principal, "delete", row)
        await self._write(session, row, delete=True)

    async def _reload(self, session: AsyncSession, id: Any) -> ModelT | None:
        return await session.get(self.model, id, options=self.load, populate_existing=True)

    def _out(self, row: Any) -> OutT:
        return self.schema_out.model_validate(row, from_attributes=True)

    def _principal(self, principal: Any) -> Any:
        if principal is NOBODY:
            raise ShipyardError(
                f"Resource({self.model.__name__}) has access rules: pass principal= "
                "(the caller's identity, None when anonymous)"
            )
        return principal

    def _readable(self, principal: Any) -> Collection[str] | None:
        if self.access is None:
            return None
        return self.access.readable_fields(self._principal(principal))

    def _check(self, principal: Any, action: str, row: Any) -> None:
        if self.access is not None:
            self.access.check(self._principal(principal), action, row)

    def _check_writable(self, principal: Any, changes: dict[str, Any]) -> None:
        if self.access is None:
            return
        problem = unwritable(changes, self.access.writable_fields(self._principal(principal)))
        if problem is not None:
            raise problem

    async def _write(self, session: AsyncSession, row: Any, *, delete: bool = False) -> None:
        try:
            async with session.begin_nested():
                if delete:
                    await session.delete(row)
                else:
                    session.add(row)
        except IntegrityError as error:
            raise CONFLICT.exception(
                conflict_detail(error, self.label), extra={"resource": self.label}
            ) from None

    def router(
        self,
        prefix: str,
        *,
        operations: Sequence[CrudOperation] | None = None,
        dependencies_for: DependenciesFor | None = None,
        versions: Sequence[str] | None = None,
        tags: Sequence[str] | None = None,
        cache_for: CacheFor | None = None,
    ) -> APIRouter:
        """The standard routes under ``prefix`` (see :func:`~.routes.build_router`)."""
        return build_router(
            self,
            prefix,
            operations=operations,
            dependencies_for=dependencies_for,
            versions=versions,
            tags=tags,
            cache_for=cache_for,
        )

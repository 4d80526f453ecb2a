"""Hot-path reads run on the driver connection, compiled once, without SQLAlchemy's executor.

Every authenticated request reads the same few rows (its session, its user and roles, a
token's denylist entry, an API key): point reads by key, the same statements every time.
Through SQLAlchemy each costs hundreds of Python calls (statement-cache lookup, execution
context, events, result processing, a greenlet switch) for a query SQLite answers in
microseconds (``BENCHMARKS.md``, issue 14). :class:`DirectSelect` keeps what SQLAlchemy
is good at, the SQL text and the type conversions for each dialect, computed once per
dialect, and runs the statement straight on the connection's driver:

- SQLite through Shipyard's loop driver (``shipyard.db.sqlite_driver``): on the event
  loop, with its lock waits and long-read protection;
- PostgreSQL through asyncpg's own prepared-statement cache;
- any other driver through the connection's ``execute`` (the ordinary path).

It runs on the connection it is given, inside that connection's transaction, so it sees
the request's own uncommitted writes. Reads only: a statement run here fires no
SQLAlchemy events (the query counter and the slow-statement log do not see it).
:func:`adopt` turns such a row into the ORM object a query would have loaded, persistent
in the request's session, so a handler that changes it commits the change as usual.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from sqlalchemy import ColumnElement, Select
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlalchemy.orm.attributes import instance_state, set_committed_value
from sqlalchemy.sql.dml import UpdateBase

from shipyard.db.sqlite_driver import LoopConnection

Processor = Callable[[Any], Any] | None
M = TypeVar("M")
AnySelect = Select[*tuple[Any, ...]]


@dataclass(frozen=True, slots=True)
class _Plan:
    """One statement for one dialect: its SQL, its parameters' order and conversions."""

    sql: str
    names: tuple[str, ...]
    binds: tuple[Processor, ...]
    results: tuple[tuple[int, Callable[[Any], Any]], ...]
    """``(column index, converter)`` of the result columns that need converting."""

    def parameters(self, values: dict[str, Any]) -> list[Any]:
        out = []
        for name, process in zip(self.names, self.binds, strict=True):
            value = values[name]
            out.append(value if process is None else process(value))
        return out

    def convert(self, rows: Sequence[Sequence[Any]]) -> list[tuple[Any, ...]]:
        if not self.results:
            return [tuple(row) for row in rows]
        converted = []
        for row in rows:
            values = list(row)
            for index, process in self.results:
                value = values[index]
                if value is not None:
                    values[index] = process(value)
            converted.append(tuple(values))
        return converted


def _plan(statement: AnySelect | UpdateBase, dialect: Dialect) -> _Plan:
    compiled = statement.compile(dialect=dialect)
    names = tuple(compiled.positiontup or ())
    bind_processors = compiled._bind_processors
    columns = statement.selected_columns if isinstance(statement, Select) else ()
    processors = (column.type._cached_result_processor(dialect, None) for column in columns)
    results = tuple((index, process) for index, process in enumerate(processors) if process)
    binds = tuple(_single(bind_processors.get(name)) for name in names)
    return _Plan(str(compiled), names, binds, results)


def _single(processor: object) -> Processor:
    """A parameter's converter; tuple-valued parameters (a converter each) are refused."""
    if processor is None or callable(processor):
        return cast(Processor, processor)
    raise TypeError("DirectSelect takes plain parameters, not tuples")


class _Compiled:
    """A statement with named ``bindparam`` s, compiled once per dialect."""

    __slots__ = ("_plans", "statement")

    def __init__(self, statement: AnySelect | UpdateBase) -> None:
        self.statement = statement
        self._plans: dict[str, _Plan] = {}

    def plan(self, dialect: Dialect) -> _Plan:
        """The statement compiled for ``dialect`` (once per dialect and paramstyle)."""
        key = f"{dialect.name}:{dialect.paramstyle}"
        plan = self._plans.get(key)
        if plan is None:
            plan = self._plans[key] = _plan(self.statement, dialect)
        return plan


class DirectWrite(_Compiled):
    """An INSERT, UPDATE or DELETE with named ``bindparam`` s, for
    :func:`shipyard.db.kept.write` (its one statement run on the driver where it can be)."""

    __slots__ = ()

    def __init__(self, statement: UpdateBase) -> None:
        super().__init__(statement)


class DirectSelect(_Compiled):
    """A SELECT with named ``bindparam`` s, run on a connection's driver (see the module).

    ``await query.all(connection, id=5)`` returns plain tuples of Python values, in the
    order of the statement's columns, converted as SQLAlchemy would.
    """

    __slots__ = ()

    def __init__(self, statement: AnySelect) -> None:
        super().__init__(statement)

    async def all(self, connection: AsyncConnection, **values: Any) -> list[tuple[Any, ...]]:
        """Every row the statement gives for ``values``, on ``connection``'s driver."""
        sync = connection.sync_connection
        if sync is None or not sync.dialect.positional:
            return await self._through_sqlalchemy(connection, values)
        plan = self.plan(sync.dialect)
        adapted = sync.connection.dbapi_connection
        if isinstance(adapted, LoopConnection):
            rows = await adapted.fetch_all(plan.sql, tuple(plan.parameters(values)))
        elif sync.dialect.driver == "asyncpg":
            driver = sync.connection.driver_connection
            rows = await driver.fetch(plan.sql, *plan.parameters(values))  # type: ignore[union-attr]
        else:
            return await self._through_sqlalchemy(connection, values)
        return plan.convert(rows)

    async def first(self, connection: AsyncConnection, **values: Any) -> tuple[Any, ...] | None:
        """The first row for ``values``, or None."""
        rows = await self.all(connection, **values)
        return rows[0] if rows else None

    async def _through_sqlalchemy(
        self, connection: AsyncConnection, values: dict[str, Any]
    ) -> list[tuple[Any, ...]]:
        result = await connection.execute(self.statement, values)
        return [tuple(row) for row in result.all()]


def adoptable(model: type[Any]) -> bool:
    """True if rows of ``model`` can be :func:`adopt` ed: one table, no polymorphic loading."""
    mapper = sa_inspect(model)
    return mapper.polymorphic_on is None and (mapper.inherits is None or mapper.single)


def column_keys(model: type[Any]) -> tuple[tuple[str, ColumnElement[Any]], ...]:
    """``(attribute key, column)`` for every column attribute of ``model``, in mapper order."""
    return tuple((prop.key, prop.columns[0]) for prop in sa_inspect(model).column_attrs)


def adopt(session: AsyncSession, model: type[M], values: dict[str, Any], **related: list[Any]) -> M:
    """``model`` built from a row read directly, persistent in ``session``, without a query.

    ``values`` holds every column attribute; ``related`` sets relationship collections as
    loaded. The instance is what the ORM would have loaded (no history, nothing pending):
    changing it and committing ``session`` writes the change. An instance with the same
    identity already in ``session`` is returned as it is. Attaching it begins no
    transaction, so a request that only read commits nothing (:mod:`shipyard.db.kept`).
    """
    sync = session.sync_session
    mapper = sa_inspect(model)
    key = mapper.identity_key_from_primary_key(
        tuple(values[mapper.get_property_by_column(column).key] for column in mapper.primary_key)
    )
    existing = sync.identity_map.get(key)
    if existing is not None:
        found: M = existing
        return found
    instance: M = mapper.class_manager.new_instance()
    state = instance_state(instance)
    state.dict.update(values)
    for name, items in related.items():
        set_committed_value(instance, name, items)
    # attached as the ORM's loader attaches a row it builds: identity key, session id,
    # identity map, committed state; no cascade, no transaction begun (Session.add's cost)
    state.key = key
    state.session_id = sync.hash_key
    sync.identity_map._add_unpresent(state, key)
    state._commit_all(state.dict, sync.identity_map)
    return instance

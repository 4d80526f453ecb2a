"""Automatic invalidation by table: entries tagged ``model_tag(Ship)`` go stale when a
request commits a change to ``ships`` rows.

Once the cache extension has started, every ORM flush notes the tables of the rows it
inserted, updated or deleted; when the request's transaction commits, the tags of those
tables (``table:ships``) are invalidated in the app's caches, before the response is sent
(:mod:`shipyard.db.aftercommit`). A rollback invalidates nothing. So a cached API list or
page tagged with its model stays right whatever writes the rows: a resource route, a
page, an admin action. Bulk ``INSERT``/``UPDATE``/``DELETE`` statements run through a
session (``await db.execute(update(Ship)...)``) invalidate their table's tag the same way;
raw SQL text and statements on a bare connection are not seen: invalidate their tags
yourself.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction

from shipyard.cache.registry import CacheRegistry, process_registry
from shipyard.db.aftercommit import after_commit

_TAGS = "shipyard.cache.changed_tables"


def model_tag(model: type[Any] | str) -> str:
    """The tag invalidated when rows of ``model`` (a mapped class, or a table name) change."""
    name = model if isinstance(model, str) else getattr(model, "__tablename__", None)
    if not isinstance(name, str):
        name = model.__table__.name  # type: ignore[union-attr]
    return f"table:{name}"


def _invalidator(session: Session, registry: CacheRegistry) -> Any:
    async def invalidate() -> None:
        tags = session.info.pop(_TAGS, set())
        if tags:
            await registry.invalidate_tags(*sorted(tags))

    return invalidate


def _flushed(session: Session, _context: UOWTransaction) -> None:
    changed = {*session.new, *session.dirty, *session.deleted}
    _note(session, {model_tag(type(row)) for row in changed if hasattr(type(row), "__table__")})


def _executed(state: ORMExecuteState) -> None:
    """A bulk ``INSERT``/``UPDATE``/``DELETE`` run through a session: note its table."""
    if state.is_insert or state.is_update or state.is_delete:
        table = getattr(state.statement, "table", None)
        name = getattr(table, "name", None)
        if isinstance(name, str):
            _note(state.session, {model_tag(name)})


def _note(session: Session, tags: set[str]) -> None:
    """Invalidate ``tags`` once the session's transaction commits."""
    if not tags:
        return
    pending: set[str] | None = session.info.get(_TAGS)
    if pending is None:
        session.info[_TAGS] = tags
        after_commit(session, _invalidator(session, process_registry()))
    else:
        pending |= tags


def _rolled_back(session: Session, transaction: object) -> None:
    if getattr(transaction, "parent", None) is None:  # a savepoint's rollback keeps them
        session.info.pop(_TAGS, None)


def watch_model_changes() -> None:
    """Note the changed tables of every ORM flush in this process (idempotent)."""
    if not event.contains(Session, "after_flush", _flushed):
        event.listen(Session, "after_flush", _flushed)
        event.listen(Session, "do_orm_execute", _executed)
        event.listen(Session, "after_soft_rollback", _rolled_back)

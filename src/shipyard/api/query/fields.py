"""Public field names of a resource, resolved to mapped columns through declared joins.

A name is a column attribute of the model (``title``) or, through a declared many-to-one
relationship, of a related model (``author.name``, ``author.publisher.name``). Each
declared join gets one stable alias, so a sort, a filter and the keyset WHERE built from
the same :class:`ResolvedField` all refer to the same ``LEFT OUTER JOIN``. Mistakes in a
declaration are the developer's and raise :class:`~shipyard.errors.ShipyardError` at
import time, never a 400 at request time.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, inspect
from sqlalchemy.orm import ColumnProperty, Mapper, RelationshipProperty, aliased
from sqlalchemy.sql.type_api import TypeEngine
from sqlalchemy.types import TypeDecorator

from shipyard.errors import ShipyardError

NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*$")


@dataclass(frozen=True)
class Join:
    """A declared many-to-one join: ``path`` like ``"author"`` or ``"author.publisher"``."""

    path: str
    parent: str | None
    key: str
    alias: Any  # an AliasedClass of the related model
    mapper: Mapper[Any]
    nullable: bool


@dataclass(frozen=True)
class ResolvedField:
    """A public field name and the SQL column behind it."""

    name: str
    key: str
    join: str | None
    column: ColumnElement[Any]
    sql_type: TypeEngine[Any]
    nullable: bool

    @property
    def base_type(self) -> TypeEngine[Any]:
        """The column type with any ``TypeDecorator`` unwrapped."""
        sql_type = self.sql_type
        while isinstance(sql_type, TypeDecorator):
            sql_type = sql_type.impl_instance
        return sql_type

    @property
    def python_type(self) -> type[Any] | None:
        """The Python type of the column's values, or None when the type does not say."""
        try:
            return self.base_type.python_type
        except NotImplementedError:
            return None


class Fields:
    """Resolves public field names of ``model`` (and its declared joins) to columns."""

    def __init__(self, model: type[Any], joins: Iterable[str]) -> None:
        self.model = model
        self.mapper: Mapper[Any] = inspect(model)
        self.joins: dict[str, Join] = {}
        for path in sorted(set(joins), key=lambda p: p.count(".")):
            self.joins[path] = self._join(path)
        self.primary_key: tuple[ResolvedField, ...] = tuple(
            self.resolve(self.mapper.get_property_by_column(column).key)
            for column in self.mapper.primary_key
        )

    def _join(self, path: str) -> Join:
        if not NAME.match(path) or "__" in path:
            raise ShipyardError(f"join {path!r} of {self.model.__name__} is not a valid name")
        parent, _, key = path.rpartition(".")
        if parent and parent not in self.joins:
            raise ShipyardError(
                f"join {path!r} of {self.model.__name__} needs its parent {parent!r} declared",
                hint=f"add {parent!r} to joins",
            )
        owner = self.joins[parent].mapper if parent else self.mapper
        prop = owner.relationships.get(key)
        if not isinstance(prop, RelationshipProperty):
            raise ShipyardError(
                f"join {path!r}: {owner.class_.__name__} has no relationship {key!r}",
                hint=f"relationships: {', '.join(owner.relationships.keys()) or 'none'}",
            )
        if prop.uselist:
            raise ShipyardError(
                f"join {path!r} of {self.model.__name__} is to-many; only many-to-one "
                "relationships can be joined for sorting, filtering and field selection"
            )
        nullable = any(column.nullable for column in prop.local_columns) or (
            bool(parent) and self.joins[parent].nullable
        )
        alias = aliased(prop.mapper.class_, name=f"join_{path.replace('.', '_')}")
        return Join(path, parent or None, key, alias, prop.mapper, nullable)

    def resolve(self, name: str) -> ResolvedField:
        """The column behind ``name``; ShipyardError when it names no column attribute."""
        if not NAME.match(name) or "__" in name:
            raise ShipyardError(f"field {name!r} of {self.model.__name__} is not a valid name")
        path, _, key = name.rpartition(".")
        if path and path not in self.joins:
            raise ShipyardError(
                f"field {name!r} of {self.model.__name__} goes through undeclared join {path!r}",
                hint=f"add {path!r} to joins",
            )
        join = self.joins[path] if path else None
        mapper = join.mapper if join else self.mapper
        prop = mapper.attrs.get(key)
        if not isinstance(prop, ColumnProperty) or len(prop.columns) != 1:
            raise ShipyardError(
                f"field {name!r}: {mapper.class_.__name__} has no column attribute {key!r}",
                hint=f"columns: {', '.join(mapper.column_attrs.keys())}",
            )
        column = prop.columns[0]
        entity: Any = join.alias if join else self.model
        expression: ColumnElement[Any] = getattr(entity, key).expression
        nullable = bool(getattr(column, "nullable", True)) or bool(join and join.nullable)
        return ResolvedField(name, key, path or None, expression, column.type, nullable)

    def resolve_all(self, names: Sequence[str], what: str) -> dict[str, ResolvedField]:
        """Resolve the ``what`` allowlist (``"sortable"``...); duplicates are mistakes."""
        resolved: dict[str, ResolvedField] = {}
        for name in names:
            if name in resolved:
                raise ShipyardError(f"{what} of {self.model.__name__} lists {name!r} twice")
            resolved[name] = self.resolve(name)
        return resolved

    def chain(self, paths: Iterable[str | None]) -> list[Join]:
        """The joins needed for ``paths``, each parent before its children, no repeats."""
        needed: dict[str, Join] = {}
        for path in paths:
            while path:
                needed.setdefault(path, self.joins[path])
                path = self.joins[path].parent
        return sorted(needed.values(), key=lambda join: join.path.count("."))

    def outer_joins(self, statement: Select[Any], joins: Sequence[Join]) -> Select[Any]:
        """``statement`` with a LEFT OUTER JOIN for each of ``joins`` (parents first)."""
        for join in joins:
            parent: Any = self.joins[join.parent].alias if join.parent else self.model
            statement = statement.outerjoin(getattr(parent, join.key).of_type(join.alias))
        return statement

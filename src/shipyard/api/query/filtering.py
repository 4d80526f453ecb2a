"""``?field__op=value`` filters: declaration, parsing, coercion and the WHERE clause.

A query parameter is a filter exactly when its name contains ``__``: the field is what
comes before the last ``__``, the operator what follows (``price__gte=10``,
``author.name__icontains=le%20guin``). Other parameters are never filters, so ``limit``,
``cursor`` and a route's own parameters cannot be reached through one. List values
(``in``, ``not_in``, ``between``) are comma-separated; ``\\,`` is a literal comma and
``\\\\`` a literal backslash.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Enum

from shipyard.api.query.coerce import (
    MAX_VALUE_LENGTH,
    Coercer,
    coercer_for,
    enum_choices,
    parse_bool,
)
from shipyard.api.query.errors import QueryErrors, shorten
from shipyard.api.query.fields import Fields, ResolvedField
from shipyard.api.query.operators import BUILDERS, LIST_OPS, Op, applicable, default_ops
from shipyard.errors import ShipyardError

SEPARATOR = "__"
MAX_FILTERS = 20
MAX_LIST_ITEMS = 100

FilterableSpec = Sequence[str] | Mapping[str, Iterable[str] | None]
"""Field names (default operators for their type), or names mapped to operator lists."""


@dataclass(frozen=True)
class FilterField:
    """A filterable field, the operators allowed on it and how to coerce its values."""

    field: ResolvedField
    ops: tuple[Op, ...]
    coercer: Coercer

    @property
    def params(self) -> list[str]:
        """The query parameter names this field answers to (``title__eq``, ...)."""
        return [f"{self.field.name}{SEPARATOR}{op}" for op in self.ops]


@dataclass(frozen=True)
class Filter:
    """One parsed filter: ``field`` ``op`` ``value`` (a list for list operators)."""

    field: ResolvedField
    op: Op
    value: Any

    @property
    def name(self) -> str:
        return self.field.name

    def clause(self) -> ColumnElement[bool]:
        """The WHERE condition, values as bound parameters."""
        return BUILDERS[self.op](self.field.column, self.value, self.field.nullable)


def declare(fields: Fields, spec: FilterableSpec) -> dict[str, FilterField]:
    """Resolve a ``filterable`` declaration; ShipyardError for a bad field or operator."""
    items = spec.items() if isinstance(spec, Mapping) else ((name, None) for name in spec)
    declared: dict[str, FilterField] = {}
    for name, ops in items:
        if name in declared:
            raise ShipyardError(f"filterable of {fields.model.__name__} lists {name!r} twice")
        field = fields.resolve(name)
        coercer = coercer_for(field)
        if coercer is None:
            raise ShipyardError(
                f"field {name!r} of {fields.model.__name__} has a type filters do not "
                f"support ({field.sql_type!r})"
            )
        declared[name] = FilterField(field, _ops(field, ops, fields.model.__name__), coercer)
    return declared


def _ops(field: ResolvedField, ops: Iterable[str] | None, model: str) -> tuple[Op, ...]:
    possible = applicable(field)
    if ops is None:
        return tuple(op for op in Op if op in default_ops(field))
    chosen: list[Op] = []
    for text in ops:
        if text not in Op.__members__.values():
            raise ShipyardError(
                f"filter operator {text!r} on {model}.{field.name} does not exist",
                hint=f"operators: {', '.join(Op)}",
            )
        op = Op(text)
        if op not in possible:
            raise ShipyardError(
                f"filter operator {text!r} does not apply to {model}.{field.name}",
                hint=f"operators for this field: {', '.join(o for o in Op if o in possible)}",
            )
        chosen.append(op)
    return tuple(op for op in Op if op in chosen)


def is_filter(param: str) -> bool:
    """True when the query parameter ``param`` is a filter (its name contains ``__``)."""
    return SEPARATOR in param


def split_list(text: str) -> list[str]:
    """Split a comma-separated list; ``\\,`` is a comma, ``\\\\`` a backslash."""
    items: list[str] = []
    current: list[str] = []
    chars = iter(text)
    for char in chars:
        if char == "\\":
            escaped = next(chars, "")
            if escaped not in {",", "\\"}:
                raise ValueError("a backslash must be followed by ',' or '\\'")
            current.append(escaped)
        elif char == ",":
            items.append("".join(current))
            current = []
        else:
            current.append(char)
    items.append("".join(current))
    return items


def _value(declared: FilterField, op: Op, text: str) -> Any:
    if len(text) > MAX_VALUE_LENGTH:
        raise ValueError(f"value is longer than {MAX_VALUE_LENGTH} characters")
    if op is Op.ISNULL:
        return parse_bool(text)
    if op not in LIST_OPS:
        return declared.coercer(text, declared.field)
    parts = split_list(text)
    if len(parts) > MAX_LIST_ITEMS:
        raise ValueError(f"{len(parts)} values given; at most {MAX_LIST_ITEMS}")
    values = [declared.coercer(part, declared.field) for part in parts]
    if op is Op.BETWEEN:
        if len(values) != 2:
            raise ValueError("between takes two values: low,high")
        if values[0] > values[1]:
            raise ValueError("between: the low value is greater than the high value")
    return values


def parse(
    items: Sequence[tuple[str, str]],
    filterable: Mapping[str, FilterField],
    errors: QueryErrors,
) -> list[Filter]:
    """The filters among ``items`` (query parameters); mistakes go to ``errors``."""
    filters: list[Filter] = []
    candidates = [(param, text) for param, text in items if is_filter(param)]
    if len(candidates) > MAX_FILTERS:
        errors.add(
            "filters", f"{len(candidates)} filters given; at most {MAX_FILTERS}", kind="too_many"
        )
        return filters
    fields_text = ", ".join(filterable) or "none"
    for param, text in candidates:
        name, _, op_text = param.rpartition(SEPARATOR)
        declared = filterable.get(name)
        if declared is None:
            errors.add(
                param,
                f"cannot filter on {shorten(name)}; filterable fields: {fields_text}",
                kind="unknown_field",
                allowed=list(filterable),
            )
            continue
        allowed_ops = [str(op) for op in declared.ops]
        if op_text not in allowed_ops:
            errors.add(
                param,
                f"operator {shorten(op_text)} is not allowed on {name!r}; "
                f"allowed: {', '.join(allowed_ops)}",
                kind="unknown_operator",
                allowed=declared.params,
            )
            continue
        op = Op(op_text)
        try:
            filters.append(Filter(declared.field, op, _value(declared, op, text)))
        except ValueError as exc:
            errors.add(param, f"{param}: {exc}", kind="invalid_value", **_choices(declared))
    return filters


def _choices(declared: FilterField) -> dict[str, Any]:
    if isinstance(declared.field.base_type, Enum):
        return {"allowed": enum_choices(declared.field)}
    return {}

"""Field specs of the resource generators: ``title:string:120:unique`` -> :class:`FieldSpec`.

A spec is ``name:type[:argument...][:modifier...]``. Types and their arguments:
``string[:length]``, ``text``, ``integer``, ``bigint``, ``boolean``, ``float``,
``double``, ``decimal[:precision[:scale]]``, ``date``, ``datetime`` (naive),
``timestamp`` (timezone-aware), ``time``, ``json``, ``uuid``, ``email``, ``url``,
``enum:a,b,c``, ``array:<type>`` (PostgreSQL ARRAY, JSON elsewhere),
``references:<Model>``, and the files ``image`` and ``file`` (an optional attachment,
:mod:`shipyard.attachments`: no column; they take no modifier). Modifiers:
``optional``, ``unique``, ``indexed``, ``default=<value>`` and, for references,
``on_delete=cascade|restrict|set-null``.

:func:`parse_fields` checks every spec before anything is written and raises one
:class:`~shipyard.errors.ShipyardError` naming the valid choices.
"""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Literal, get_args

from shipyard.errors import ShipyardError
from shipyard.scaffold.names import MODEL_NAME, check_length, check_sql_name, quoted

ItemKind = Literal["string", "text", "integer", "bigint", "boolean", "float", "double"]
"""The plain JSON values: the items of arrays and the arguments of jobs."""
FieldKind = Literal[
    ItemKind,
    "decimal",
    "date",
    "datetime",
    "timestamp",
    "time",
    "json",
    "uuid",
    "email",
    "url",
    "enum",
    "array",
    "references",
    "image",
    "file",
]
OnDelete = Literal["cascade", "restrict", "set-null"]

KINDS: tuple[FieldKind, ...] = get_args(FieldKind)
ARRAY_ITEM_KINDS: tuple[ItemKind, ...] = get_args(ItemKind)
ON_DELETE: tuple[OnDelete, ...] = ("cascade", "restrict", "set-null")
FILE_KINDS = ("image", "file")
FLAGS = ("optional", "unique", "indexed")
MODIFIERS = (*FLAGS, "default=<value>", "on_delete=<cascade|restrict|set-null>")
DEFAULT_STRING_LENGTH = 255
EMAIL_LENGTH = 320
URL_LENGTH = 2048
DEFAULT_PRECISION = 10
DEFAULT_SCALE = 2
MAX_STRING_LENGTH = 10_485_760
IDENTIFIER = re.compile(r"[a-z][a-z0-9_]*")
# Columns every generated model has, and names the list query API reserves.
RESERVED_FIELDS = frozenset(
    {"id", "created_at", "updated_at", "metadata", "registry", "query"}
    | {"sort", "fields", "q", "limit", "cursor", "offset", "total"}
)
TRUE_WORDS = ("true", "yes", "on", "1")
FALSE_WORDS = ("false", "no", "off", "0")


@dataclass(frozen=True)
class FieldSpec:
    """One parsed field of a resource: its name, type, type arguments and modifiers."""

    name: str
    kind: FieldKind
    length: int | None = None
    precision: int | None = None
    scale: int | None = None
    choices: tuple[str, ...] = ()
    item: FieldKind | None = None
    target: str | None = None
    optional: bool = False
    unique: bool = False
    indexed: bool = False
    default: str | None = None
    on_delete: OnDelete | None = None
    spec: str = field(default="", compare=False)

    @property
    def is_reference(self) -> bool:
        """A ``references:<Model>`` field: a foreign key ``<name>_id`` and a relationship."""
        return self.kind == "references"

    @property
    def is_file(self) -> bool:
        """An ``image`` or ``file`` field: an attachment slot, not a column."""
        return self.kind in FILE_KINDS

    @property
    def column(self) -> str:
        """The column and form name: ``author_id`` for a reference, else the name."""
        return f"{self.name}_id" if self.is_reference else self.name


def parse_fields(specs: list[str], *, columns: bool = True) -> list[FieldSpec]:
    """Parse every spec; raise one error naming the first mistake and the valid choices.

    ``columns``: the fields become table columns, so SQL's reserved words are refused too.
    """
    parsed = [parse_field(spec, column=columns) for spec in specs]
    seen: set[str] = set()
    for spec in parsed:
        for name in {spec.name, spec.column}:
            if name in seen:
                raise ShipyardError(
                    f"field {name!r} is given twice", hint="give every field a different name"
                )
            seen.add(name)
    return parsed


def parse_field(text: str, *, column: bool = True) -> FieldSpec:
    """Parse one ``name:type[:argument...][:modifier...]`` spec (of a column, or not)."""
    parts = text.split(":")
    if len(parts) < 2 or not parts[1]:
        raise _error(text, "it needs a type, as in title:string", kinds=True)
    name, kind = parts[0], parts[1]
    _check_name(text, name)
    if kind not in KINDS:
        raise _error(text, f"unknown type {quoted(kind)}", kinds=True)
    try:
        if column:
            check_sql_name(f"{name}_id" if kind == "references" else name, "column")
        else:
            check_length(name, "name")
    except ShipyardError as error:
        raise _error(text, error.message, hint=error.hint) from None
    arguments, modifiers = _split_modifiers(parts[2:])
    values = _type_arguments(text, kind, arguments)
    flags = dict.fromkeys(FLAGS, False)
    default: str | None = None
    on_delete: str | None = None
    for modifier in modifiers:
        if modifier in flags:
            flags[modifier] = True
        elif modifier.startswith("default="):
            default = modifier.removeprefix("default=")
        elif modifier.startswith("on_delete="):
            on_delete = modifier.removeprefix("on_delete=")
    spec = FieldSpec(
        name=name,
        kind=kind,
        optional=flags["optional"],
        unique=flags["unique"],
        indexed=flags["indexed"],
        default=default,
        on_delete=_on_delete(text, kind, on_delete, optional=flags["optional"]),
        spec=text,
        **values,
    )
    if spec.is_file and modifiers:
        raise _error(text, f"{kind} fields take no modifiers (a record may always have none)")
    if spec.kind == "boolean" and spec.optional:
        raise _error(text, "a boolean is never empty: drop optional, or give default=true")
    _check_default(spec)
    return spec


def _check_name(text: str, name: str) -> None:
    if not IDENTIFIER.fullmatch(name):
        problem = f"field name {quoted(name)} is not snake_case (ASCII letters, digits, '_')"
        raise _error(text, problem)
    if keyword.iskeyword(name):
        hint = f"pick another name, such as {name}_name or {name}_value"
        raise _error(text, f"field name {name!r} is a Python keyword", hint=hint)
    if name in RESERVED_FIELDS:
        reserved = ", ".join(sorted(RESERVED_FIELDS))
        raise _error(text, f"field name {name!r} is reserved; avoid {reserved}")


def _split_modifiers(parts: list[str]) -> tuple[list[str], list[str]]:
    """Split the parts after the type into type arguments and the modifiers that follow."""
    for index, part in enumerate(parts):
        if part in FLAGS or part.startswith(("default=", "on_delete=")):
            return parts[:index], parts[index:]
    return parts, []


def _type_arguments(text: str, kind: str, arguments: list[str]) -> dict[str, Any]:
    if kind == "string":
        return {"length": _bounded(text, arguments, "length", DEFAULT_STRING_LENGTH)}
    if kind == "decimal":
        precision = _bounded(text, arguments[:1], "precision", DEFAULT_PRECISION, 1000)
        scale = _bounded(text, arguments[1:2], "scale", DEFAULT_SCALE, precision, 0)
        _no_more(text, kind, arguments, 2)
        return {"precision": precision, "scale": scale}
    if kind == "enum":
        return {"choices": _enum_choices(text, arguments)}
    if kind == "array":
        if len(arguments) != 1 or arguments[0] not in ARRAY_ITEM_KINDS:
            items = ", ".join(ARRAY_ITEM_KINDS)
            raise _error(text, f"array needs an item type: array:<type> with type one of {items}")
        return {"item": arguments[0]}
    if kind == "references":
        if len(arguments) != 1 or not MODEL_NAME.fullmatch(arguments[0]):
            raise _error(text, "references needs a model class name, as in references:User")
        return {"target": arguments[0]}
    _no_more(text, kind, arguments, 0)
    return {}


def _bounded(
    text: str,
    arguments: list[str],
    what: str,
    default: int,
    maximum: int = MAX_STRING_LENGTH,
    minimum: int = 1,
) -> int:
    if len(arguments) > 1 and what == "length":
        raise _error(text, "string takes one argument, its length (title:string:120)")
    if not arguments:
        return default
    raw = arguments[0]
    if not re.fullmatch(r"[0-9]{1,9}", raw) or not minimum <= int(raw) <= maximum:
        problem = f"{what} {quoted(raw)} is not a whole number from {minimum} to {maximum}"
        raise _error(text, problem)
    return int(raw)


def _no_more(text: str, kind: str, arguments: list[str], allowed: int) -> None:
    if len(arguments) > allowed:
        modifiers = ", ".join(MODIFIERS)
        raise _error(
            text, f"unexpected {arguments[allowed]!r} after {kind}; modifiers are {modifiers}"
        )


def _enum_choices(text: str, arguments: list[str]) -> tuple[str, ...]:
    if len(arguments) != 1 or not arguments[0]:
        raise _error(text, "enum needs its values: enum:draft,published,archived")
    choices = tuple(arguments[0].split(","))
    for choice in choices:
        if not IDENTIFIER.fullmatch(choice) or keyword.iskeyword(choice):
            raise _error(text, f"enum value {choice!r} is not a snake_case word")
    if len(set(choices)) != len(choices):
        raise _error(text, "enum values repeat")
    return choices


def _on_delete(text: str, kind: str, value: str | None, *, optional: bool) -> OnDelete | None:
    if kind != "references":
        if value is not None:
            raise _error(text, "on_delete= is for references:<Model> fields")
        return None
    if value is None:
        return "set-null" if optional else "cascade"
    if value not in ON_DELETE:
        raise _error(text, f"on_delete={value!r}: choose one of {', '.join(ON_DELETE)}")
    if value == "set-null" and not optional:
        raise _error(text, "on_delete=set-null needs the field to be optional")
    return value


def _check_default(spec: FieldSpec) -> None:
    """Refuse a default the type cannot hold (and defaults where none make sense)."""
    value = spec.default
    if value is None:
        return
    kind = spec.kind
    if kind in ("json", "array", "references", "uuid"):
        raise _error(spec.spec, f"{kind} fields take no default=")
    if kind == "boolean" and value.lower() not in TRUE_WORDS + FALSE_WORDS:
        raise _error(spec.spec, f"default={quoted(value)} is not true or false")
    if kind in ("integer", "bigint"):
        bits = 31 if kind == "integer" else 63
        if not re.fullmatch(r"-?[0-9]{1,19}", value) or not -(2**bits) <= int(value) < 2**bits:
            problem = f"default={quoted(value)} is not a whole number in {kind}'s range"
            raise _error(spec.spec, problem)
    if kind in ("float", "double", "decimal"):
        try:
            finite = Decimal(value).is_finite() and abs(float(value)) != float("inf")
        except InvalidOperation:
            finite = False
        if not finite:
            raise _error(spec.spec, f"default={quoted(value)} is not a finite number")
    if kind == "enum" and value not in spec.choices:
        raise _error(spec.spec, f"default={quoted(value)} is not one of {', '.join(spec.choices)}")
    if kind in ("date", "datetime", "timestamp", "time"):
        raise _error(spec.spec, f"{kind} fields take no default= (set it in the model)")
    if kind == "string" and spec.length is not None and len(value) > spec.length:
        raise _error(spec.spec, f"default={quoted(value)} is longer than {spec.length} characters")


def parse_boolean(value: str) -> bool:
    """``true``/``yes``/``on``/``1`` (any case) -> True; anything else False."""
    return value.lower() in TRUE_WORDS


def _error(
    text: str, problem: str, *, kinds: bool = False, hint: str | None = None
) -> ShipyardError:
    if hint is None:
        hint = (
            f"types: {', '.join(KINDS)}; modifiers: {', '.join(MODIFIERS)}"
            if kinds
            else "spec form: name:type[:argument...][:modifier...], e.g. title:string:120:unique"
        )
    return ShipyardError(f"invalid field {quoted(text)}: {problem}", hint=hint)

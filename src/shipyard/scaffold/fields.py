"""Field specs of the resource generators: ``title:string:120:unique`` -> :class:`FieldSpec`.

A spec is ``name:type[:argument...][:modifier...]``. Types and their arguments:
``string[:length]``, ``text``, ``integer``, ``bigint``, ``boolean``, ``float``,
``double``, ``decimal[:precision[:scale]]``, ``date``, ``datetime`` (naive),
``timestamp`` (timezone-aware), ``time``, ``json``, ``uuid``, ``email``, ``url``,
``enum:a,b,c``, ``array:<type>`` (PostgreSQL ARRAY, JSON elsewhere) and
``references:<Model>``. Modifiers: ``optional``, ``unique``, ``indexed``,
``default=<value>`` and, for references, ``on_delete=cascade|restrict|set-null``.

:func:`parse_fields` checks every spec before anything is written and raises one
:class:`~shipyard.errors.ShipyardError` naming the valid choices.
"""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from shipyard.errors import ShipyardError

FieldKind = Literal[
    "string",
    "text",
    "integer",
    "bigint",
    "boolean",
    "float",
    "double",
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
]
OnDelete = Literal["cascade", "restrict", "set-null"]

KINDS: tuple[FieldKind, ...] = (
    "string",
    "text",
    "integer",
    "bigint",
    "boolean",
    "float",
    "double",
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
)
ARRAY_ITEM_KINDS: tuple[FieldKind, ...] = (
    "string",
    "text",
    "integer",
    "bigint",
    "boolean",
    "float",
    "double",
)
ON_DELETE: tuple[OnDelete, ...] = ("cascade", "restrict", "set-null")
FLAGS = ("optional", "unique", "indexed")
MODIFIERS = (*FLAGS, "default=<value>", "on_delete=<cascade|restrict|set-null>")
DEFAULT_STRING_LENGTH = 255
EMAIL_LENGTH = 320
URL_LENGTH = 2048
DEFAULT_PRECISION = 10
DEFAULT_SCALE = 2
MAX_STRING_LENGTH = 10_485_760
IDENTIFIER = re.compile(r"[a-z][a-z0-9_]*")
ENUM_VALUE = re.compile(r"[a-z][a-z0-9_]*")
MODEL_NAME = re.compile(r"[A-Z][A-Za-z0-9]*")
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
    def column(self) -> str:
        """The column and form name: ``author_id`` for a reference, else the name."""
        return f"{self.name}_id" if self.is_reference else self.name


def parse_fields(specs: list[str]) -> list[FieldSpec]:
    """Parse every spec; raise one error naming the first mistake and the valid choices."""
    parsed = [parse_field(spec) for spec in specs]
    seen: set[str] = set()
    for spec in parsed:
        for name in {spec.name, spec.column}:
            if name in seen:
                raise ShipyardError(
                    f"field {name!r} is given twice", hint="give every field a different name"
                )
            seen.add(name)
    return parsed


def parse_field(text: str) -> FieldSpec:
    """Parse one ``name:type[:argument...][:modifier...]`` spec."""
    parts = text.split(":")
    if len(parts) < 2 or not parts[1]:
        raise _error(text, "it needs a type, as in title:string", kinds=True)
    name, kind = parts[0], parts[1]
    _check_name(text, name)
    if kind not in KINDS:
        raise _error(text, f"unknown type {kind!r}", kinds=True)
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
    if spec.kind == "boolean" and spec.optional:
        raise _error(text, "a boolean is never empty: drop optional, or give default=true")
    _check_default(spec)
    return spec


def _check_name(text: str, name: str) -> None:
    if not IDENTIFIER.fullmatch(name):
        raise _error(text, f"field name {name!r} is not snake_case (letters, digits, '_')")
    if keyword.iskeyword(name) or name in RESERVED_FIELDS:
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
    if not raw.isdigit() or not minimum <= int(raw) <= maximum:
        raise _error(text, f"{what} {raw!r} is not a whole number from {minimum} to {maximum}")
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
        if not ENUM_VALUE.fullmatch(choice) or keyword.iskeyword(choice):
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
        raise _error(spec.spec, f"default={value!r} is not true or false")
    if kind in ("integer", "bigint") and not re.fullmatch(r"-?\d+", value):
        raise _error(spec.spec, f"default={value!r} is not a whole number")
    if kind in ("float", "double", "decimal"):
        try:
            Decimal(value)
        except InvalidOperation:
            raise _error(spec.spec, f"default={value!r} is not a number") from None
    if kind == "enum" and value not in spec.choices:
        raise _error(spec.spec, f"default={value!r} is not one of {', '.join(spec.choices)}")
    if kind in ("date", "datetime", "timestamp", "time"):
        raise _error(spec.spec, f"{kind} fields take no default= (set it in the model)")
    if kind == "string" and spec.length is not None and len(value) > spec.length:
        raise _error(spec.spec, f"default={value!r} is longer than {spec.length} characters")


def parse_boolean(value: str) -> bool:
    """``true``/``yes``/``on``/``1`` (any case) -> True; anything else False."""
    return value.lower() in TRUE_WORDS


def _error(text: str, problem: str, *, kinds: bool = False) -> ShipyardError:
    hint = (
        f"types: {', '.join(KINDS)}; modifiers: {', '.join(MODIFIERS)}"
        if kinds
        else "spec form: name:type[:argument...][:modifier...], e.g. title:string:120:unique"
    )
    return ShipyardError(f"invalid field {text!r}: {problem}", hint=hint)

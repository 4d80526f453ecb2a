"""Example values from JSON Schema / OpenAPI schemas: pure, deterministic, no I/O.

:func:`example_for` turns a schema into a realistic value to put in documentation
snippets. What the schema author wrote wins: ``example``, then the first of ``examples``,
``const``, ``default``, the first ``enum`` value. Otherwise the value is made from the
type, the ``format`` (email, date-time, uuid, uri...), the property name (``title`` gives
``"Hello world"``) and the bounds (``minimum``, ``minLength``, ``minItems``...).
``$ref``s are resolved against the document's ``components``; recursive schemas stop at
the first repeat. ``readOnly`` properties are left out of request bodies and
``writeOnly`` ones out of responses.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

Schema = Mapping[str, Any]

MAX_DEPTH = 8
"""Nesting deeper than this gives ``None`` (documentation values stay readable)."""

FORMAT_EXAMPLES: dict[str, Any] = {
    "email": "ada@example.com",
    "idn-email": "ada@example.com",
    "date-time": "2024-05-17T09:30:00Z",
    "date": "2024-05-17",
    "time": "09:30:00",
    "duration": "P3D",
    "uuid": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
    "uri": "https://example.com/",
    "url": "https://example.com/",
    "iri": "https://example.com/",
    "uri-reference": "/path/to/resource",
    "hostname": "example.com",
    "ipv4": "192.0.2.10",
    "ipv6": "2001:db8::10",
    "password": "correct-horse-battery-staple",  # nosec B105 - an example value in docs
    "binary": "file contents",
    "byte": "aGVsbG8gd29ybGQ=",
    "base64": "aGVsbG8gd29ybGQ=",
    "regex": "^[a-z]+$",
    "json-pointer": "/items/0",
}
"""Values for string formats (RFC 2606 / RFC 5737 / RFC 3849 reserved names and addresses)."""

NAME_EXAMPLES: dict[str, Any] = {
    "title": "Hello world",
    "name": "Ada Lovelace",
    "full_name": "Ada Lovelace",
    "first_name": "Ada",
    "last_name": "Lovelace",
    "username": "ada",
    "email": "ada@example.com",
    "slug": "hello-world",
    "description": "A short description.",
    "summary": "A short summary.",
    "body": "The first paragraph of the text.",
    "content": "The first paragraph of the text.",
    "text": "The first paragraph of the text.",
    "comment": "Looks good to me.",
    "message": "Hello!",
    "url": "https://example.com/",
    "website": "https://example.com/",
    "phone": "+1 202 555 0143",
    "city": "London",
    "country": "GB",
    "language": "en",
    "locale": "en-GB",
    "currency": "EUR",
    "color": "#3366ff",
    "token": "YOUR_TOKEN",  # nosec B105 - a placeholder in docs
    "password": "correct-horse-battery-staple",  # nosec B105 - an example value in docs
    "q": "hello",
    "sort": "-created_at",
    "cursor": "eyJpZCI6IDQyfQ",
    "tag": "python",
    "status": "active",
}
"""String values for common property/parameter names (lower-cased, ``-`` read as ``_``)."""

INTEGER_NAMES: dict[str, int] = {"limit": 20, "page": 1, "offset": 0, "age": 36, "year": 2024}


@dataclass
class _Walk:
    components: Schema
    for_request: bool
    seen: set[str] = field(default_factory=set)


def _first(examples: Any) -> tuple[bool, Any]:
    """The first example of a JSON Schema ``examples`` list or an OpenAPI examples map."""
    if isinstance(examples, list) and examples:
        return True, examples[0]
    if isinstance(examples, Mapping):
        for entry in examples.values():
            if isinstance(entry, Mapping) and "value" in entry:
                return True, entry["value"]
    return False, None


def declared_example(schema: Schema) -> tuple[bool, Any]:
    """``(True, value)`` when the schema (or parameter/media type) states its own example."""
    if "example" in schema:
        return True, schema["example"]
    found, value = _first(schema.get("examples"))
    if found:
        return True, value
    if "const" in schema:
        return True, schema["const"]
    if schema.get("default") is not None:
        return True, schema["default"]
    enum = schema.get("enum")
    if isinstance(enum, list) and enum:
        return True, enum[0]
    return False, None


def _resolve(ref: str, walk: _Walk) -> Schema | None:
    prefix = "#/components/"
    if not ref.startswith(prefix):
        return None
    node: Any = walk.components
    for part in ref[len(prefix) :].split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        if not isinstance(node, Mapping) or part not in node:
            return None
        node = node[part]
    return node if isinstance(node, Mapping) else None


def _type_of(schema: Schema) -> str | None:
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((entry for entry in kind if entry != "null"), "null")
    if isinstance(kind, str):
        return kind
    if "properties" in schema or "additionalProperties" in schema:
        return "object"
    if "items" in schema or "prefixItems" in schema:
        return "array"
    return None


def _name_key(name: str | None) -> str:
    return (name or "").strip().lower().replace("-", "_")


def _fit_length(value: str, schema: Schema) -> str:
    minimum, maximum = schema.get("minLength"), schema.get("maxLength")
    if isinstance(minimum, int) and len(value) < minimum:
        value = value + "x" * (minimum - len(value))
    if isinstance(maximum, int) and maximum >= 0 and len(value) > maximum:
        value = value[:maximum]
    return value


def _string(schema: Schema, name: str | None) -> str:
    key = _name_key(name)
    fmt = schema.get("format")
    if isinstance(fmt, str) and fmt in FORMAT_EXAMPLES:
        return str(FORMAT_EXAMPLES[fmt])
    if key in NAME_EXAMPLES:
        return _fit_length(str(NAME_EXAMPLES[key]), schema)
    if key.endswith("_email"):
        return "ada@example.com"
    if key.endswith(("_url", "_uri")):
        return "https://example.com/"
    if key.endswith("_at"):
        return "2024-05-17T09:30:00Z"
    if key.endswith(("_on", "_date")):
        return "2024-05-17"
    return _fit_length("string", schema)


def _bounded(value: float, schema: Schema, step: float) -> float:
    low, high = schema.get("minimum"), schema.get("maximum")
    exclusive_low, exclusive_high = schema.get("exclusiveMinimum"), schema.get("exclusiveMaximum")
    if isinstance(exclusive_low, int | float) and not isinstance(exclusive_low, bool):
        low = exclusive_low + step
    if isinstance(exclusive_high, int | float) and not isinstance(exclusive_high, bool):
        high = exclusive_high - step
    if isinstance(low, int | float) and value < low:
        value = low
    if isinstance(high, int | float) and value > high:
        value = high
    return value


def _number(schema: Schema, name: str | None, integer: bool) -> int | float:
    key = _name_key(name)
    if integer:
        base = INTEGER_NAMES.get(key, 42 if key in {"id"} or key.endswith("_id") else 1)
        return int(_bounded(base, schema, 1))
    return float(_bounded(9.99, schema, 0.01))


def _object(schema: Schema, walk: _Walk, depth: int) -> dict[str, Any]:
    skip = "readOnly" if walk.for_request else "writeOnly"
    result: dict[str, Any] = {}
    properties = schema.get("properties")
    if isinstance(properties, Mapping):
        for prop_name, prop_schema in properties.items():
            if isinstance(prop_schema, Mapping) and not prop_schema.get(skip, False):
                result[str(prop_name)] = _example(prop_schema, walk, depth + 1, str(prop_name))
    extra = schema.get("additionalProperties")
    if not result and isinstance(extra, Mapping) and extra:
        result["key"] = _example(extra, walk, depth + 1, None)
    return result


def _array(schema: Schema, walk: _Walk, depth: int, name: str | None) -> list[Any]:
    items = schema.get("items")
    prefix = schema.get("prefixItems")
    if isinstance(prefix, list):
        return [
            _example(entry, walk, depth + 1, None) for entry in prefix if isinstance(entry, Mapping)
        ]
    if not isinstance(items, Mapping):
        return []
    singular = name[:-1] if name and name.endswith("s") else name
    minimum = schema.get("minItems")
    count = minimum if isinstance(minimum, int) and minimum > 1 else 1
    return [_example(items, walk, depth + 1, singular)] * count


def _combined(schema: Schema, walk: _Walk, depth: int, name: str | None) -> tuple[bool, Any]:
    all_of = schema.get("allOf")
    if isinstance(all_of, list) and all_of:
        parts = [
            _example(part, walk, depth + 1, name) for part in all_of if isinstance(part, Mapping)
        ]
        if all(isinstance(part, dict) for part in parts):
            merged: dict[str, Any] = {}
            for part in parts:
                merged.update(part)
            return True, merged
        return True, parts[0] if parts else None
    for keyword in ("oneOf", "anyOf"):
        options = schema.get(keyword)
        if isinstance(options, list) and options:
            usable = [
                option
                for option in options
                if isinstance(option, Mapping) and option.get("type") != "null"
            ]
            chosen = usable[0] if usable else options[0]
            return True, _example(chosen, walk, depth + 1, name) if isinstance(
                chosen, Mapping
            ) else None
    return False, None


def _example(schema: Schema, walk: _Walk, depth: int, name: str | None) -> Any:
    if depth > MAX_DEPTH:
        return None
    found, value = declared_example(schema)
    if found:
        return value
    ref = schema.get("$ref")
    if isinstance(ref, str):
        if ref in walk.seen:
            return {} if depth else None
        target = _resolve(ref, walk)
        if target is None:
            return None
        walk.seen.add(ref)
        try:
            return _example(target, walk, depth, name)
        finally:
            walk.seen.discard(ref)
    combined, value = _combined(schema, walk, depth, name)
    if combined:
        return value
    kind = _type_of(schema)
    if kind == "object":
        return _object(schema, walk, depth)
    if kind == "array":
        return _array(schema, walk, depth, name)
    if kind == "string":
        return _string(schema, name)
    if kind in {"integer", "number"}:
        return _number(schema, name, integer=kind == "integer")
    if kind == "boolean":
        return True
    return None


def example_for(
    schema: Schema,
    *,
    components: Schema | None = None,
    name: str | None = None,
    for_request: bool = True,
) -> Any:
    """A realistic example value for ``schema``.

    ``components`` is the OpenAPI document's ``components`` (for ``$ref``), ``name`` the
    property or parameter name the schema describes (it picks a fitting value when the
    schema gives no example), ``for_request`` leaves out ``readOnly`` properties (and
    ``writeOnly`` ones when False).
    """
    walk = _Walk(components=components or {}, for_request=for_request)
    return _example(schema, walk, 0, name)

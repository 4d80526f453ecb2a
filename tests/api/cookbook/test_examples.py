"""Schema -> example value: stated examples win, then formats, names, bounds, structure."""

from __future__ import annotations

from typing import Any

import pytest

from shipyard.api.cookbook.examples import example_for


@pytest.mark.parametrize(
    ("schema", "expected"),
    [
        ({"type": "string", "example": "stated", "examples": ["second"]}, "stated"),
        ({"type": "string", "examples": ["first", "second"]}, "first"),
        ({"type": "string", "const": "fixed", "default": "other"}, "fixed"),
        ({"type": "integer", "default": 7}, 7),
        ({"type": "string", "enum": ["draft", "published"]}, "draft"),
        ({"type": "string", "default": None, "format": "email"}, "ada@example.com"),
    ],
)
def test_stated_values_win(schema: dict[str, Any], expected: Any) -> None:
    assert example_for(schema) == expected


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [
        ("email", "ada@example.com"),
        ("date-time", "2024-05-17T09:30:00Z"),
        ("date", "2024-05-17"),
        ("uuid", "3fa85f64-5717-4562-b3fc-2c963f66afa6"),
        ("uri", "https://example.com/"),
        ("ipv4", "192.0.2.10"),
    ],
)
def test_string_formats(fmt: str, expected: str) -> None:
    assert example_for({"type": "string", "format": fmt}, name="whatever") == expected


def test_names_give_realistic_strings() -> None:
    assert example_for({"type": "string"}, name="title") == "Hello world"
    assert example_for({"type": "string"}, name="contact-email") == "ada@example.com"
    assert example_for({"type": "string"}, name="created_at") == "2024-05-17T09:30:00Z"
    assert example_for({"type": "string"}, name="unknown") == "string"


def test_bounds_are_respected() -> None:
    assert example_for({"type": "string", "minLength": 10}, name="code") == "stringxxxx"
    assert example_for({"type": "string", "maxLength": 5}, name="title") == "Hello"
    assert example_for({"type": "integer", "minimum": 5}) == 5
    assert example_for({"type": "integer", "maximum": 0}) == 0
    assert example_for({"type": "integer", "exclusiveMinimum": 100}) == 101
    assert example_for({"type": "number", "maximum": 1.0}) == 1.0
    assert example_for({"type": "integer"}, name="limit") == 20
    assert example_for({"type": "integer"}, name="author_id") == 42
    assert example_for({"type": "array", "items": {"type": "boolean"}, "minItems": 3}) == [True] * 3


def test_objects_refs_and_read_only() -> None:
    components = {
        "schemas": {
            "Post": {
                "type": "object",
                "properties": {
                    "id": {"type": "integer", "readOnly": True},
                    "title": {"type": "string"},
                    "author": {"$ref": "#/components/schemas/Author"},
                    "tags": {"type": "array", "items": {"type": "string"}},
                    "secret": {"type": "string", "writeOnly": True},
                },
            },
            "Author": {"type": "object", "properties": {"name": {"type": "string"}}},
        }
    }
    ref = {"$ref": "#/components/schemas/Post"}
    request = example_for(ref, components=components)
    assert request == {
        "title": "Hello world",
        "author": {"name": "Ada Lovelace"},
        "tags": ["python"],  # items named by the singular: "tag"
        "secret": "string",
    }
    response = example_for(ref, components=components, for_request=False)
    assert "id" in response
    assert "secret" not in response


def test_recursive_and_unknown_refs_terminate() -> None:
    components = {
        "schemas": {
            "Node": {
                "type": "object",
                "properties": {
                    "name": {"type": "string"},
                    "children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}},
                },
            }
        }
    }
    node = example_for({"$ref": "#/components/schemas/Node"}, components=components)
    assert node == {"name": "Ada Lovelace", "children": [{}]}
    assert example_for({"$ref": "#/components/schemas/Missing"}, components=components) is None
    assert example_for({"$ref": "https://elsewhere.example/schema.json"}) is None
    assert (
        example_for({"$ref": "#/components/schemas/Node/properties/oops"}, components=components)
        is None
    )


def test_combinators_and_nullable() -> None:
    assert example_for({"anyOf": [{"type": "null"}, {"type": "string", "format": "uuid"}]}) == (
        "3fa85f64-5717-4562-b3fc-2c963f66afa6"
    )
    assert example_for({"type": ["null", "integer"]}) == 1
    merged = example_for(
        {
            "allOf": [
                {"properties": {"a": {"type": "integer"}}},
                {"properties": {"b": {"type": "boolean"}}},
            ]
        }
    )
    assert merged == {"a": 1, "b": True}
    assert example_for({"oneOf": [{"type": "string", "enum": ["x"]}, {"type": "integer"}]}) == "x"
    assert example_for({"additionalProperties": {"type": "integer"}}) == {"key": 1}
    assert example_for({"prefixItems": [{"type": "string"}, {"type": "integer"}]}) == ["string", 1]
    assert example_for({}) is None


def test_deep_nesting_is_cut() -> None:
    schema: dict[str, Any] = {"type": "string"}
    for _ in range(20):
        schema = {"type": "object", "properties": {"child": schema}}
    value = example_for(schema)
    depth = 0
    while isinstance(value, dict):
        value, depth = value["child"], depth + 1
    assert value is None
    assert depth <= 9

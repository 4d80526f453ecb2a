"""Field specs: every type and modifier parses; mistakes are refused naming the choices."""

from __future__ import annotations

import pytest

from shipyard.errors import ShipyardError
from shipyard.scaffold.fields import KINDS, FieldSpec, parse_field, parse_fields


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("title:string", FieldSpec("title", "string", length=255)),
        ("title:string:120", FieldSpec("title", "string", length=120)),
        (
            "slug:string:unique:indexed",
            FieldSpec("slug", "string", length=255, unique=True, indexed=True),
        ),
        ("rating:integer:optional", FieldSpec("rating", "integer", optional=True)),
        ("views:bigint:default=0", FieldSpec("views", "bigint", default="0")),
        ("price:decimal:8:3", FieldSpec("price", "decimal", precision=8, scale=3)),
        ("price:decimal", FieldSpec("price", "decimal", precision=10, scale=2)),
        (
            "status:enum:draft,published",
            FieldSpec("status", "enum", choices=("draft", "published")),
        ),
        ("tags:array:string", FieldSpec("tags", "array", item="string")),
        (
            "author:references:User",
            FieldSpec("author", "references", target="User", on_delete="cascade"),
        ),
        (
            "editor:references:User:optional",
            FieldSpec("editor", "references", target="User", optional=True, on_delete="set-null"),
        ),
        (
            "owner:references:User:on_delete=restrict",
            FieldSpec("owner", "references", target="User", on_delete="restrict"),
        ),
    ],
)
def test_parses_types_arguments_and_modifiers(text: str, expected: FieldSpec) -> None:
    assert parse_field(text) == expected


@pytest.mark.parametrize("kind", [k for k in KINDS if k not in ("enum", "array", "references")])
def test_every_plain_type_parses(kind: str) -> None:
    assert parse_field(f"value:{kind}").kind == kind


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("title", "it needs a type"),
        ("title:strin", "unknown type 'strin'"),
        ("Title:string", "is not snake_case"),
        ("class:string", "is a Python keyword"),
        ("id:integer", "is reserved"),
        ("title:string:0", "length '0' is not a whole number"),
        ("title:string:abc", "length 'abc'"),
        ("price:decimal:4:5", "scale '5'"),
        ("status:enum", "enum needs its values"),
        ("status:enum:Draft", "is not a snake_case word"),
        ("status:enum:a,a", "enum values repeat"),
        ("status:enum:a,b:default=c", "is not one of a, b"),
        ("tags:array", "array needs an item type"),
        ("tags:array:json", "array needs an item type"),
        ("author:references", "references needs a model class name"),
        ("author:references:user", "references needs a model class name"),
        ("author:references:User:on_delete=explode", "choose one of cascade, restrict, set-null"),
        ("author:references:User:on_delete=set-null", "needs the field to be optional"),
        ("title:string:on_delete=cascade", "on_delete= is for references"),
        ("done:boolean:optional", "a boolean is never empty"),
        ("done:boolean:default=maybe", "is not true or false"),
        ("count:integer:default=1.5", "is not a whole number"),
        ("on_date:date:default=today", "take no default="),
        ("title:text:shiny", "unexpected 'shiny' after text"),
        ("avatar:image:optional", "image fields take no modifiers"),
        ("avatar:image:unique", "image fields take no modifiers"),
        ("paper:file:default=x", "file fields take no modifiers"),
        ("paper:file:pdf", "unexpected 'pdf' after file"),
    ],
)
def test_refuses_mistakes_with_a_clear_message(text: str, message: str) -> None:
    with pytest.raises(ShipyardError) as error:
        parse_field(text)
    assert message in str(error.value)


def test_an_unknown_type_lists_every_valid_type_and_modifier() -> None:
    with pytest.raises(ShipyardError) as error:
        parse_field("title:strng")
    hint = error.value.hint or ""
    assert all(kind in hint for kind in KINDS)
    assert "optional" in hint
    assert "default=<value>" in hint


def test_a_field_given_twice_is_refused() -> None:
    with pytest.raises(ShipyardError, match="'author_id' is given twice"):
        parse_fields(["author:references:User", "author_id:integer"])


@pytest.mark.parametrize("kind", ["image", "file"])
def test_image_and_file_fields_are_attachments_not_columns(kind: str) -> None:
    spec = parse_field(f"avatar:{kind}")
    assert spec.is_file
    assert not parse_field("title:string").is_file

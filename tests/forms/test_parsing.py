"""Every field kind parsed from urlencoded and multipart bodies into the form model."""

from __future__ import annotations

import httpx
import pytest

from shipyard.forms import describe

from .conftest import PostForm


async def test_every_scalar_kind_is_parsed(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/posts",
        data={
            "title": "Hello",
            "body": "Some text",
            "email": "a@example.com",
            "password": "hunter2",
            "count": "42",
            "ratio": "0.25",
            "price": "19.99",
            "published": "on",
            "day": "2026-11-22",
            "at": "2026-11-22T10:30",
            "color": "dark-blue",
            "csrf_token": "ignored: the model does not declare it",
        },
    )
    assert response.status_code == 200, response.text
    assert response.json() == {
        "title": "Hello",
        "body": "Some text",
        "email": "a@example.com",
        "password": "hunter2",
        "count": 42,
        "ratio": 0.25,
        "price": "19.99",
        "published": True,
        "day": "2026-11-22",
        "at": "2026-11-22T10:30:00",
        "color": "dark-blue",
        "tags": [],
        "attachment": None,
        "gallery": [],
        "code": "",
    }


async def test_unchecked_checkbox_is_false(client: httpx.AsyncClient) -> None:
    response = await client.post("/posts", data={"title": "Hello"})
    assert response.json()["published"] is False


@pytest.mark.parametrize(("sent", "expected"), [(["false", "on"], True), (["false"], False)])
async def test_hidden_fallback_before_checkbox_uses_last_value(
    client: httpx.AsyncClient, sent: list[str], expected: bool
) -> None:
    response = await client.post("/posts", data={"title": "Hello", "published": sent})
    assert response.json()["published"] is expected


async def test_multi_select_collects_every_value(client: httpx.AsyncClient) -> None:
    response = await client.post("/posts", data={"title": "Hello", "tags": ["red", "green"]})
    assert response.json()["tags"] == ["red", "green"]


async def test_empty_strings_become_none_for_optional_fields(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/posts",
        data={"title": "Hello", "email": "", "ratio": "  ", "price": "", "day": "", "at": ""},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert [body[name] for name in ("email", "ratio", "price", "day", "at")] == [None] * 5


async def test_empty_string_for_field_with_default_keeps_default(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post("/posts", data={"title": "Hello", "count": "", "color": ""})
    assert (response.json()["count"], response.json()["color"]) == (0, "red")


async def test_empty_string_for_required_field_is_required_error(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post("/posts", data={"title": "   "})
    assert response.status_code == 422
    assert "This field is required." in response.text


async def test_whitespace_is_stripped_except_where_opted_out(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/posts", data={"title": "  Hello  ", "password": "  pw  ", "code": "  x  "}
    )
    body = response.json()
    assert (body["title"], body["password"], body["code"]) == ("Hello", "  pw  ", "  x  ")


async def test_strip_can_be_turned_off(client: httpx.AsyncClient) -> None:
    response = await client.post("/posts/raw", data={"title": "  Hello  "})
    assert response.json()["title"] == "  Hello  "


async def test_single_and_multiple_uploads(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/posts",
        data={"title": "Hello", "tags": ["green"]},
        files=[
            ("attachment", ("a.txt", b"alpha", "text/plain")),
            ("gallery", ("one.png", b"\x89PNG1", "image/png")),
            ("gallery", ("two.png", b"\x89PNG2", "image/png")),
        ],
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["attachment"] == "a.txt"
    assert body["gallery"] == ["one.png", "two.png"]
    assert body["tags"] == ["green"]


async def test_empty_file_input_is_no_file(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/posts",
        data={"title": "Hello"},
        files=[("attachment", ("", b"", "application/octet-stream"))],
    )
    assert response.status_code == 200, response.text
    assert response.json()["attachment"] is None


async def test_get_forms_read_the_query_string(client: httpx.AsyncClient) -> None:
    response = await client.get("/search", params={"title": "Query", "tags": ["red", "green"]})
    assert response.json()["tags"] == ["red", "green"]
    assert response.json()["title"] == "Query"


def test_field_specs_map_types_to_widgets() -> None:
    widgets = {spec.name: (spec.widget, spec.multiple) for spec in describe(PostForm)}
    assert widgets == {
        "title": ("text", False),
        "body": ("textarea", False),
        "email": ("email", False),
        "password": ("password", False),
        "count": ("number", False),
        "ratio": ("number", False),
        "price": ("number", False),
        "published": ("checkbox", False),
        "day": ("date", False),
        "at": ("datetime-local", False),
        "color": ("select", False),
        "tags": ("select", True),
        "attachment": ("file", False),
        "gallery": ("file", True),
        "code": ("text", False),
    }


def test_field_specs_carry_constraints_labels_and_choices() -> None:
    specs = {spec.name: spec for spec in describe(PostForm)}
    assert specs["title"].required
    assert dict(specs["title"].attrs) == {"minlength": "3", "maxlength": "80"}
    assert specs["title"].help == "A short title"
    assert dict(specs["count"].attrs) == {"step": "1", "min": "0", "max": "100"}
    assert specs["ratio"].attrs["step"] == "any"
    assert specs["color"].choices == (
        ("red", "Red"),
        ("green", "Green"),
        ("dark-blue", "Dark blue"),
    )
    assert specs["password"].secret
    assert not specs["password"].strip
    assert not specs["published"].required

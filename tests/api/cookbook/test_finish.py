"""issue 15 on the cookbook: Markdown descriptions, fresh unique values, schemes, versions."""

from __future__ import annotations

import html
import json
import re
from typing import Any

import pytest
from markupsafe import Markup
from tests.api.cookbook.test_page import build_versioned_app, fetch_page

from shipyard.api.cookbook import read_document
from shipyard.api.cookbook.markdown import render_markdown
from shipyard.api.cookbook.page import build_page, fresh_value


def test_markdown_is_rendered_with_every_raw_tag_escaped() -> None:
    text = (
        "A **bold** `code` [docs](https://example.com/) <script>alert(1)</script>\n\n"
        "* [bad](javascript:alert(1)) <img src=x onerror=alert(1)> ![pixel](https://t.example/p.png)"
    )
    rendered = render_markdown(text)
    assert isinstance(rendered, Markup)
    assert "<strong>bold</strong>" in rendered
    assert "<code>code</code>" in rendered
    assert '<a href="https://example.com/">docs</a>' in rendered
    assert "<li>" in rendered
    assert "<script" not in rendered
    assert "&lt;script&gt;" in rendered
    assert "<img" not in rendered
    assert "&lt;img" in rendered
    assert 'href="javascript:' not in rendered
    assert render_markdown("one *two*", inline=True) == "one <em>two</em>"
    assert render_markdown("  \n") == ""


@pytest.mark.parametrize(
    ("value", "limit", "expected"),
    [
        ("Endeavour", None, "Endeavour 3fa9c1"),
        ("Ada Lovelace", None, "Ada Lovelace 3fa9c1"),
        ("hello-world", None, "hello-world-3fa9c1"),
        ("ada@example.com", None, "ada+3fa9c1@example.com"),
        ("Endeavour", 12, "Endea 3fa9c1"),
        ("Endeavour", 4, "3fa9"),
    ],
)
def test_fresh_values_keep_the_example_recognisable_and_fit(
    value: str, limit: int | None, expected: str
) -> None:
    fresh = fresh_value(value, "3fa9c1", limit)
    assert fresh == expected
    assert limit is None or len(fresh) <= limit


REF = {"$ref": "#/components/schemas/S"}


def _document(unique: Any) -> dict[str, Any]:
    schema = {"type": "object", "properties": {"name": {"type": "string", "maxLength": 20}}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "T", "version": "1", "description": "The **T** API"},
        "paths": {
            "/ships": {
                "post": {
                    "operationId": "create",
                    "x-shipyard-unique": unique,
                    "requestBody": {
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/S"}}
                        }
                    },
                }
            }
        },
        "components": {"schemas": {"S": {**schema, "example": {"name": "Endeavour"}}}},
    }


def test_unique_fields_get_the_fresh_suffix_in_snippets_and_try_it() -> None:
    document = read_document(_document(["name"]))
    (operation,) = document.operations
    assert operation.unique == {"name": 20}
    (view,) = build_page(document, "http://api", fresh="abc123").groups[0][1]
    assert '"name": "Endeavour abc123"' in view.body_text  # type: ignore[operator]
    assert "Endeavour abc123" in view.snippets["curl"]
    assert json.loads(view.unique) == {
        "name": {"base": "Endeavour", "max": 20, "shown": "Endeavour abc123"}
    }
    (plain,) = build_page(document, "http://api").groups[0][1]
    assert '"Endeavour"' in (plain.body_text or "")
    assert plain.unique == ""


@pytest.mark.parametrize("junk", [None, "name", [1], {"name": True}])
def test_junk_unique_declarations_change_nothing(junk: Any) -> None:
    (view,) = build_page(read_document(_document(junk)), "http://api", fresh="x").groups[0][1]
    assert view.unique == ""
    assert '"name": "Endeavour"' in (view.body_text or "")


async def test_the_page_renders_markdown_labels_schemes_and_versions() -> None:
    app = build_versioned_app("header")
    page = (await fetch_page(app)).text
    nav = re.search(r'<nav class="cookbook-versions".*?</nav>', page, re.DOTALL)
    assert nav is not None
    assert 'aria-labelledby="cookbook-versions-label"' in nav.group(0)
    assert ">API version<" in nav.group(0)
    assert re.findall(r">(Version [^<]+)</a>", nav.group(0)) == ["Version 2 (default)", "Version 1"]
    assert 'aria-current="page">Version 2 (default)' in nav.group(0)
    assert "Accept: application/vnd.acme.v2+json" in html.unescape(nav.group(0))
    older = (await fetch_page(app, "/api/cookbook?version=1")).text
    assert 'aria-current="page">Version 1<' in older

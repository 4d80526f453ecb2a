"""A failed submission re-renders the form: 422, values kept, errors inline, htmx fragment."""

from __future__ import annotations

import re

import httpx

HOSTILE = '"><script>alert(1)</script>'


def input_tag(html: str, name: str) -> str:
    match = re.search(rf'<input[^>]*name="{name}"[^>]*>', html)
    assert match, f"no input named {name} in {html}"
    return match.group(0)


async def test_invalid_form_is_422_full_page_with_values_and_errors(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post(
        "/posts", data={"title": "ab", "count": "500", "email": "me@example.com"}
    )
    assert response.status_code == 422
    html = response.text
    assert '<h1 id="page-title">' in html
    assert "<footer>" in html
    title = input_tag(html, "title")
    assert 'value="ab"' in title
    assert 'aria-invalid="true"' in title
    assert 'aria-describedby="field-title-help field-title-error"' in title
    assert '<div class="field-errors" id="field-title-error">' in html
    assert "String should have at least 3 characters" in html
    assert 'value="500"' in input_tag(html, "count")
    assert "Input should be less than or equal to 100" in html
    assert 'value="me@example.com"' in input_tag(html, "email")
    assert "aria-invalid" not in input_tag(html, "email")


async def test_htmx_request_gets_only_the_form_block(client: httpx.AsyncClient) -> None:
    response = await client.post("/posts", data={"title": "ab"}, headers={"HX-Request": "true"})
    assert response.status_code == 422
    html = response.text.strip()
    assert html.startswith("<form")
    assert html.endswith("</form>")
    assert "page-title" not in html
    assert "HX-Request" in response.headers["vary"]


async def test_boosted_request_gets_the_full_page(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/posts", data={"title": "ab"}, headers={"HX-Request": "true", "HX-Boosted": "true"}
    )
    assert response.status_code == 422
    assert "page-title" in response.text


async def test_hostile_values_are_escaped(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/posts", data={"title": "ab", "body": f"</textarea>{HOSTILE}", "email": HOSTILE}
    )
    html = response.text
    assert "<script>" not in html
    assert "&#34;&gt;&lt;script&gt;" in input_tag(html, "email")
    assert "&lt;/textarea&gt;&#34;&gt;&lt;script&gt;" in html


async def test_password_is_never_refilled(client: httpx.AsyncClient) -> None:
    response = await client.post("/posts", data={"title": "ab", "password": "s3cret-pw"})
    assert response.status_code == 422
    assert "s3cret-pw" not in response.text
    assert "value=" not in input_tag(response.text, "password")


async def test_checkbox_and_multi_select_state_is_kept(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/posts", data={"title": "ab", "published": "on", "tags": ["green", "dark-blue"]}
    )
    html = response.text
    assert "checked" in input_tag(html, "published")
    assert '<option value="green" selected="">Green</option>' in html
    assert '<option value="dark-blue" selected="">Dark blue</option>' in html
    assert '<option value="red">Red</option>' in html


async def test_model_validator_error_is_shown_as_form_error(client: httpx.AsyncClient) -> None:
    response = await client.post("/posts", data={"title": "banned"})
    assert response.status_code == 422
    assert '<p class="form-error">This title is not allowed</p>' in response.text


async def test_handler_added_errors_invalidate_the_form(client: httpx.AsyncClient) -> None:
    response = await client.post("/posts/taken", data={"title": "taken"})
    assert response.status_code == 422
    assert "That title is taken." in response.text
    assert "Please fix the errors below." in response.text
    assert 'value="taken"' in input_tag(response.text, "title")


async def test_blank_form_shows_defaults_with_status_200(client: httpx.AsyncClient) -> None:
    response = await client.get("/posts/new")
    assert response.status_code == 200
    html = response.text
    assert '<option value="red" selected="">Red</option>' in html
    assert 'value="0"' in input_tag(html, "count")
    assert "field-error" not in html
    assert 'enctype="multipart/form-data"' in html
    assert 'hx-post="/posts"' in html

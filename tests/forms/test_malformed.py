"""Bodies that are not forms, are broken or are too big: a clear 4xx, never a 500."""

from __future__ import annotations

import httpx
import pytest


async def test_json_body_is_415(client: httpx.AsyncClient) -> None:
    response = await client.post("/posts", json={"title": "Hello"})
    assert response.status_code == 415
    assert "application/x-www-form-urlencoded" in response.json()["detail"]
    assert "application/json" in response.json()["detail"]


async def test_body_without_content_type_is_415(client: httpx.AsyncClient) -> None:
    response = await client.post("/posts", content=b"title=Hello")
    assert response.status_code == 415


async def test_empty_body_without_content_type_is_an_empty_form(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post("/posts")
    assert response.status_code == 422
    assert "This field is required." in response.text


@pytest.mark.parametrize(
    ("content_type", "body", "detail"),
    [
        ("multipart/form-data", b"--x\r\nnot a part", "Missing boundary"),
        ("multipart/form-data; boundary=xyz", b"garbage, no boundary", "Invalid multipart"),
        (
            "multipart/form-data; boundary=xyz",
            b"--xyz\r\nContent-Disposition: form-data\r\n\r\nno name\r\n--xyz--\r\n",
            '"name" must be provided',
        ),
        ("multipart/form-data; boundary=xyz", b"--xyz\r\n\xff\xfe\x00bad\r\n\r\n", "Invalid"),
    ],
)
async def test_garbage_multipart_is_400(
    client: httpx.AsyncClient, content_type: str, body: bytes, detail: str
) -> None:
    response = await client.post("/posts", content=body, headers={"content-type": content_type})
    assert response.status_code == 400
    assert detail in response.json()["detail"]


async def test_garbage_urlencoded_is_handled(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/posts",
        content=b"title=%ZZ%%&&=&\xff\xfe=\x00&count=abc",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 422
    assert "Input should be a valid integer" in response.text


async def test_declared_body_over_the_limit_is_413(client: httpx.AsyncClient) -> None:
    response = await client.post("/posts/small", data={"title": "x" * 5000})
    assert response.status_code == 413
    assert "limit is 4096 bytes" in response.json()["detail"]


async def test_field_over_the_part_limit_is_400(client: httpx.AsyncClient) -> None:
    response = await client.post("/posts/small", data={"title": "x" * 2000, "a": "b"})
    assert response.status_code == 400
    response = await client.post(
        "/posts/small", files=[("title", (None, b"y" * 2000))], data={"body": "b"}
    )
    assert response.status_code == 400
    assert "maximum size" in response.json()["detail"]


async def test_huge_field_under_default_limits_is_400(client: httpx.AsyncClient) -> None:
    response = await client.post("/posts", data={"title": "x" * (2 * 1024 * 1024)})
    assert response.status_code == 400
    assert "maximum size" in response.json()["detail"]


async def test_invalid_content_length_is_400(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/posts",
        content=b"title=Hello",
        headers={"content-type": "application/x-www-form-urlencoded", "content-length": "x1"},
    )
    assert response.status_code == 400
    assert "Content-Length" in response.json()["detail"]


async def test_wrong_type_for_file_field_is_a_field_error(client: httpx.AsyncClient) -> None:
    response = await client.post("/posts", data={"title": "Hello", "attachment": "a.txt"})
    assert response.status_code == 422
    assert 'id="field-attachment-error"' in response.text

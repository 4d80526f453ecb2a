"""Hostile multipart bodies get a 4xx problem, never a 500, and leave no temp file open."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from tests.uploads.conftest import MakeClient, open_spool_files

PART = b'--b\r\nContent-Disposition: form-data; name="f"; filename="a.txt"\r\n\r\nhello\r\n'
MULTIPART = "multipart/form-data; boundary=b"


def part(headers: bytes, value: bytes = b"x") -> bytes:
    """One part with ``headers`` (raw lines) and the closing boundary."""
    return b"--b\r\n" + headers + b"\r\n\r\n" + value + b"\r\n--b--\r\n"


@pytest.mark.parametrize(
    ("content_type", "body", "status"),
    [
        ("multipart/form-data", PART + b"--b--\r\n", 400),
        ("multipart/form-data; boundary=", PART + b"--b--\r\n", 400),
        ("multipart/form-data; boundary=" + "x" * 300, b"--x\r\n", 400),
        (MULTIPART, b"no boundary in here at all", 400),
        (MULTIPART, PART, 400),
        (MULTIPART, b"--b\r\n\r\nbody\r\n--b--\r\n", 400),
        (MULTIPART, part(b"Content-Disposition: attachment"), 400),
        (MULTIPART, part(b"X: " + b"a" * 20_000), 400),
        (MULTIPART, part(b"broken header line"), 400),
        (MULTIPART, part(b"Content-Disposition: form-data; name=t", b"\xff\xfe"), 400),
        (MULTIPART, b"", 400),
        ("application/json", b"{}", 415),
        ("", b"x", 415),
    ],
    ids=[
        "no-boundary", "empty-boundary", "huge-boundary", "boundary-never-seen",
        "no-closing-boundary", "no-headers", "not-form-data", "huge-header",
        "malformed-header", "field-not-utf8", "empty-body", "json", "no-content-type",
    ],
)  # fmt: skip
async def test_hostile_bodies_are_4xx(
    make_client: MakeClient, spool: Path, content_type: str, body: bytes, status: int
) -> None:
    async with make_client() as client:
        headers = {"content-type": content_type} if content_type else {}
        response = await client.post("/upload", content=body, headers=headers)
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert open_spool_files(spool) == []


async def test_a_body_cut_off_mid_file_is_a_400_and_its_temp_file_is_gone(
    make_client: MakeClient, spool: Path
) -> None:
    async def body() -> AsyncIterator[bytes]:
        yield PART[:-4]
        yield b"x" * 100_000  # then the stream ends: no closing boundary

    async with make_client() as client:
        response = await client.post(
            "/upload", content=body(), headers={"content-type": "multipart/form-data; boundary=b"}
        )
    assert response.status_code == 400
    assert "closing boundary" in response.json()["detail"]
    assert open_spool_files(spool) == []


async def test_an_invalid_content_length_is_a_400(make_client: MakeClient) -> None:
    async with make_client() as client:
        response = await client.post(
            "/upload",
            content=PART + b"--b--\r\n",
            headers={"content-type": MULTIPART, "content-length": "12x"},
        )
    assert response.status_code == 400

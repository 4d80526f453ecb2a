"""The type comes from the bytes: lying Content-Types, renamed programs, polyglots,
truncated and empty files are refused with a 422 that says why."""

from __future__ import annotations

import io
import zipfile

import httpx
import pytest
from tests.uploads.conftest import MakeClient, png

from shipyard.uploads.detect import sniff

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x01" * 200 + b"\xff\xd9"
GIF = b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03" + b"\x00" * 200
ELF = b"\x7fELF\x02\x01\x01" + b"\x00" * 200


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payload.js", "alert(1)")
    return buffer.getvalue()


async def _photo(
    client: httpx.AsyncClient, name: str, content: bytes, claimed: str = "image/png"
) -> tuple[int, str]:
    response = await client.post("/photos", files={"f": (name, content, claimed)})
    body = response.json()
    return response.status_code, body.get("detail") or body["files"][0]["content_type"]


@pytest.mark.parametrize(
    ("content", "media_type"),
    [(png(), "image/png"), (JPEG, "image/jpeg"), (GIF, "image/gif")],
    ids=["png", "jpeg", "gif"],
)
async def test_images_pass_whatever_name_and_type_the_client_gives(
    make_client: MakeClient, content: bytes, media_type: str
) -> None:
    async with make_client() as client:
        status, found = await _photo(client, "holiday.txt", content, "application/x-msdownload")
    assert (status, found) == (200, media_type)


@pytest.mark.parametrize(
    ("name", "content", "needle"),
    [
        ("photo.png", EXE, "is a program"),
        ("photo.jpg", ELF, "is a program"),
        ("photo.png", PDF, "application/pdf, not one of the accepted types"),
        ("photo.png", b"<script>alert(1)</script>", "text/html"),
        ("photo.png", b"", "is empty"),
    ],
    ids=["renamed-exe", "renamed-elf", "pdf-as-png", "html-as-png", "zero-byte"],
)
async def test_a_file_that_is_not_what_it_claims_is_refused(
    make_client: MakeClient, name: str, content: bytes, needle: str
) -> None:
    async with make_client() as client:
        status, detail = await _photo(client, name, content)
    assert status == 422, detail
    assert needle in detail


@pytest.mark.parametrize(
    ("route", "content", "needle"),
    [
        ("/photos", png()[:-6], "is truncated (no PNG end chunk)"),
        ("/photos", JPEG[:-2], "is truncated (no JPEG end)"),
        ("/photos", GIF[:-1], "is truncated (no GIF trailer)"),
        ("/upload", PDF[:-7], "is truncated (no PDF %%EOF)"),
        ("/upload", _zip()[:-30], "ZIP directory is missing"),
        ("/photos", png() + b"hidden", "has data after its end"),
        ("/upload", PDF + _zip(), "has a ZIP archive appended"),
        ("/photos", png() + _zip(), "has data after its end and has a ZIP archive appended"),
        ("/photos", b"GIF89a/*\x00\x00*/=alert(1);" + GIF[6:], "GIF/JS polyglot"),
        ("/photos", JPEG[:-2] + b"<?php system($_GET['c']); ?>" + JPEG[-2:], "markup or script"),
    ],
    ids=[
        "truncated-png", "truncated-jpeg", "truncated-gif", "truncated-pdf", "truncated-zip",
        "png-trailer", "pdf-zip-polyglot", "png-zip-polyglot", "gif-js-polyglot", "jpeg-php",
    ],
)  # fmt: skip
async def test_truncated_files_and_polyglots_are_refused(
    make_client: MakeClient, route: str, content: bytes, needle: str
) -> None:
    async with make_client() as client:
        response = await client.post(route, files={"f": ("file.bin", content, "image/png")})
    assert response.status_code == 422, response.text
    assert needle in response.json()["detail"]


async def test_an_empty_file_input_is_no_file_but_a_named_empty_file_is_refused(
    make_client: MakeClient,
) -> None:
    async with make_client() as client:
        browser_empty = await client.post(
            "/upload", files={"f": ("", b"", "application/octet-stream")}
        )
        named_empty = await client.post("/upload", files={"f": ("empty.txt", b"", "text/plain")})
    assert browser_empty.status_code == 200
    assert browser_empty.json()["files"] == []
    assert named_empty.status_code == 422
    assert "empty.txt is empty" in named_empty.json()["detail"]


async def test_a_program_is_refused_even_where_any_type_is_accepted(
    make_client: MakeClient,
) -> None:
    async with make_client() as client:
        program = await client.post("/upload", files={"f": ("notes.txt", EXE, "text/plain")})
        text = await client.post("/upload", files={"f": ("notes.txt", b"hello", "image/png")})
    assert program.status_code == 422
    assert "programs are not accepted" in program.json()["detail"]
    assert text.json()["files"][0]["content_type"] == "text/plain"


@pytest.mark.parametrize(
    ("head", "media_type"),
    [
        (b"", "application/x-empty"),
        (b"\xca\xfe\xba\xbe\x00\x00\x00\x34", "application/java"),
        (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>', "image/svg+xml"),
        (b"<!DOCTYPE html><p>", "text/html"),
        (b"\x00\x01\x02\xff\xfe", "application/octet-stream"),
        (b"#!/bin/sh\nrm -rf /", "application/x-executable"),
    ],
    ids=["empty", "java-class", "svg", "html", "binary", "script"],
)
def test_sniffing_without_a_known_signature(head: bytes, media_type: str) -> None:
    assert sniff(head) == media_type

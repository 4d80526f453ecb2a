"""Every limit, from settings and per route: a 413 problem, and no temp file left open."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from tests.uploads.conftest import MakeClient, open_spool_files, png


async def test_a_file_under_the_limits_is_received_with_its_facts(
    make_client: MakeClient, spool: Path
) -> None:
    content = png(b"\x01" * 1000)
    async with make_client() as client:
        response = await client.post(
            "/upload", files={"doc": ("boat.png", content, "text/plain")}, data={"note": "hi"}
        )
    assert response.status_code == 200, response.text
    [file] = response.json()["files"]
    assert file["content_type"] == "image/png"
    assert file["client_type"] == "text/plain"
    assert file["size"] == len(content)
    assert file["sha256"] == hashlib.sha256(content).hexdigest()
    assert response.json()["fields"] == {"note": "hi"}
    assert file["spooled_at"].startswith(f"{spool}/")  # uploads.temp_dir, already unlinked
    assert file["spooled_at"].endswith("(deleted)")
    assert open_spool_files(spool) == []


@pytest.mark.parametrize(
    ("settings", "files", "data", "needle"),
    [
        ({"max_file_size": 1000}, {"f": ("a.png", png(b"\0" * 2000))}, {}, "per file"),
        ({"max_request_size": 1500}, {"f": ("a.png", png(b"\0" * 900))}, {"x": "y" * 900}, "limit"),
        ({"max_files": 1}, {"a": ("a.png", png()), "b": ("b.png", png())}, {}, "1 files"),
        ({"max_fields": 1}, {"a": (None, "1"), "b": (None, "2")}, {}, "1 fields"),
        ({"max_field_size": 10}, {"a": (None, "x" * 11)}, {}, "'a'"),
    ],
    ids=["file-size", "request-size", "files", "fields", "field-size"],
)
async def test_each_limit_from_the_settings_is_a_413(
    make_client: MakeClient,
    spool: Path,
    settings: dict[str, int],
    files: dict[str, tuple[str | None, bytes | str]],
    data: dict[str, str],
    needle: str,
) -> None:
    async with make_client(**settings) as client:
        response = await client.post("/upload", files=files, data=data)
    assert response.status_code == 413, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.headers["connection"] == "close"
    assert needle in response.json()["detail"]
    assert open_spool_files(spool) == []


async def test_a_declared_content_length_over_the_limit_is_refused_before_reading(
    make_client: MakeClient,
) -> None:
    async with make_client(max_request_size=100) as client:
        body = (
            b"--b\r\nContent-Disposition: form-data; name=a\r\n\r\n" + b"x" * 200 + b"\r\n--b--\r\n"
        )
        response = await client.post(
            "/upload", content=body, headers={"content-type": "multipart/form-data; boundary=b"}
        )
    assert response.status_code == 413
    assert "limit is 100 B" in response.json()["detail"]


async def test_a_route_overrides_the_settings(make_client: MakeClient) -> None:
    """/photos allows 64 KB and two files whatever the settings say."""
    async with make_client(max_file_size=10**9, max_files=100) as client:
        big = await client.post("/photos", files={"f": ("a.png", png(b"\0" * 70_000))})
        three = await client.post("/photos", files=[("f", (f"{n}.png", png())) for n in range(3)])
        two = await client.post("/photos", files=[("f", (f"{n}.png", png())) for n in range(2)])
    assert big.status_code == 413
    assert "64 KB" in big.json()["detail"]
    assert three.status_code == 413
    assert two.status_code == 200, two.text
    assert [f["filename"] for f in two.json()["files"]] == ["0.png", "1.png"]


async def test_the_body_limit_of_the_web_layer_still_applies_first(
    make_client: MakeClient,
) -> None:
    """A route without max_body_size keeps web.max_body_size (2.5 MiB) in front of uploads."""
    async with make_client() as client:
        response = await client.post(
            "/form", files={"photo": ("a.png", png(b"\0" * 3_000_000))}, data={"caption": "x"}
        )
    assert response.status_code == 413

"""A pydantic form with an ``UploadedFile`` field: streamed, checked, errors inline (422)."""

from __future__ import annotations

import re

from tests.uploads.conftest import MakeClient, png
from tests.uploads.test_validation import EXE


def _error(html: str, field: str) -> str:
    match = re.search(rf'id="field-{field}-error"><p class="field-error">([^<]*)<', html)
    assert match, html
    return match.group(1)


async def test_a_valid_upload_form_is_saved(make_client: MakeClient) -> None:
    async with make_client() as client:
        response = await client.post(
            "/form", data={"caption": "The Cutty Sark"}, files={"photo": ("a.gif", png())}
        )
    assert response.status_code == 200, response.text
    assert response.text == "<p id=saved>a.gif image/png</p>"


async def test_a_program_as_photo_is_an_inline_error(make_client: MakeClient) -> None:
    async with make_client() as client:
        response = await client.post(
            "/form", data={"caption": "x"}, files={"photo": ("boat.png", EXE, "image/png")}
        )
    assert response.status_code == 422
    assert "boat.png is a program, not one of the accepted types" in _error(response.text, "photo")


async def test_a_photo_over_the_form_limit_is_an_inline_error(make_client: MakeClient) -> None:
    async with make_client() as client:
        response = await client.post(
            "/form", data={"caption": "x"}, files={"photo": ("big.png", png(b"\0" * 70_000))}
        )
    assert response.status_code == 422
    assert "big.png is over the limit of 64 KB per file." in _error(response.text, "photo")


async def test_other_fields_still_validate(make_client: MakeClient) -> None:
    async with make_client() as client:
        response = await client.post("/form", files={"photo": ("a.png", png())})
        blank = await client.get("/form")
    assert response.status_code == 422
    assert _error(response.text, "caption")
    assert blank.status_code == 200
    assert 'type="file"' in blank.text


async def test_a_model_with_uploaded_files_streams_them_with_the_settings_limits(
    make_client: MakeClient,
) -> None:
    """form_of(NoteForm) without uploads=: the UploadedFile fields make it use Upload()."""
    files = [("attachments", ("a.txt", b"hello")), ("attachments", ("b.bin", png()))]
    async with make_client(max_files=2) as client:
        response = await client.post("/notes", data={"note": "x"}, files=files)
        three = await client.post("/notes", files=[*files, ("attachments", ("c", b"c"))])
    assert response.json() == {"types": ["text/plain", "image/png"]}
    assert three.status_code == 413

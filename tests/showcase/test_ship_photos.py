"""A ship's photo in the showcase: uploaded with the form, shown as variants (a thumbnail
in the fleet table, a larger copy on its page), refused inline when it is not an image
or not one safe to decode, deleted with the ship and its variants (the purge job)."""

from __future__ import annotations

import io
import re

from httpx import AsyncClient
from PIL import Image
from tests.images.pictures import bomb_png, png, rotated_jpeg_with_gps

from shipyard.app import App
from shipyard.attachments import PurgeBlobs
from shipyard.jobs import get_jobs
from shipyard.storage import STORAGE

from .test_ships_pages import HTMX, _ship_ids, _token

PNG = png((800, 400))
IMG = re.compile(r'<img class="ship-photo" src="([^"]+)" alt="Photo of ([^"]+)">')
THUMB = re.compile(r'<img class="ship-thumb" src="([^"]+)"')


async def _add(skipper: AsyncClient, name: str, photo: tuple[str, bytes, str]) -> int:
    token = await _token(skipper)
    return (
        await skipper.post(
            "/ships",
            data={"csrf_token": token, "name": name},
            files={"photo": photo},
            headers=HTMX,
        )
    ).status_code


async def test_the_form_is_multipart_with_a_file_input(skipper: AsyncClient) -> None:
    page = (await skipper.get("/ships")).text
    assert 'enctype="multipart/form-data"' in page
    assert 'type="file"' in page
    assert 'name="photo"' in page


async def test_a_photo_is_uploaded_and_shown_on_the_ship_page(
    skipper: AsyncClient, started_app: App
) -> None:
    assert await _add(skipper, "Calypso", ("calypso.png", PNG, "image/png")) == 200
    ship_id = (await _ship_ids(skipper))["Calypso"]
    page = (await skipper.get(f"/ships/{ship_id}")).text
    match = IMG.search(page)
    assert match is not None, page
    assert match.group(2) == "Calypso"
    assert "/storage/variants/" in match.group(1)
    photo = await skipper.get(match.group(1))
    assert photo.status_code == 200
    assert photo.headers["content-type"] == "image/png"
    assert photo.headers["content-disposition"].startswith('inline; filename="calypso.png"')
    assert Image.open(io.BytesIO(photo.content)).size == (640, 320)  # the "large" variant
    assert [key async for key in STORAGE.get(started_app).list()]


async def test_the_fleet_table_shows_thumbnails_without_the_camera_s_metadata(
    skipper: AsyncClient,
) -> None:
    photo = ("holiday.jpg", rotated_jpeg_with_gps(), "image/jpeg")
    assert await _add(skipper, "Endeavour", photo) == 200
    match = THUMB.search((await skipper.get("/ships")).text)
    assert match is not None
    thumb = await skipper.get(match.group(1))
    assert thumb.headers["content-type"] == "image/webp"
    shown = Image.open(io.BytesIO(thumb.content))
    assert shown.size == (48, 48)
    assert len(shown.getexif()) == 0
    assert b"GPS" not in thumb.content


async def test_a_decompression_bomb_is_refused_inline_and_not_stored(
    skipper: AsyncClient, started_app: App
) -> None:
    token = await _token(skipper)
    response = await skipper.post(
        "/ships",
        data={"csrf_token": token, "name": "Bomb"},
        files={"photo": ("bomb.png", bomb_png(), "image/png")},
        headers=HTMX,
    )
    assert response.status_code == 422
    assert "bomb.png: The image is too large to process" in response.text
    assert "Bomb" not in await _ship_ids(skipper)
    assert [key async for key in STORAGE.get(started_app).list()] == []


async def test_a_ship_without_a_photo_shows_none(skipper: AsyncClient) -> None:
    token = await _token(skipper)
    response = await skipper.post(
        "/ships", data={"csrf_token": token, "name": "Plain"}, headers=HTMX
    )
    assert response.status_code == 200
    ship_id = (await _ship_ids(skipper))["Plain"]
    assert "ship-photo" not in (await skipper.get(f"/ships/{ship_id}")).text


async def test_a_program_named_like_a_photo_is_refused_inline(skipper: AsyncClient) -> None:
    token = await _token(skipper)
    response = await skipper.post(
        "/ships",
        data={"csrf_token": token, "name": "Trojan"},
        files={"photo": ("photo.png", b"MZ" + b"\x00" * 200, "image/png")},
        headers=HTMX,
    )
    assert response.status_code == 422
    assert "photo.png is a program" in response.text
    assert "Trojan" not in await _ship_ids(skipper)


async def test_deleting_the_ship_deletes_its_photo(skipper: AsyncClient, started_app: App) -> None:
    assert await _add(skipper, "Kon-Tiki", ("raft.png", PNG, "image/png")) == 200
    storage = STORAGE.get(started_app)
    await get_jobs(started_app).drain()  # the variants, made ahead
    assert len([key async for key in storage.list()]) == 3
    ship_id = (await _ship_ids(skipper))["Kon-Tiki"]
    token = await _token(skipper)
    deleted = await skipper.delete(f"/ships/{ship_id}", headers={**HTMX, "X-CSRF-Token": token})
    assert deleted.status_code == 200
    await get_jobs(started_app).enqueue(PurgeBlobs())
    await get_jobs(started_app).drain()
    assert [key async for key in storage.list()] == []


async def test_a_photo_over_5_mb_is_refused_inline_and_not_stored(
    skipper: AsyncClient, started_app: App
) -> None:
    token = await _token(skipper)
    big = PNG[:-12] + bytes(5 * 1024 * 1024) + PNG[-12:]
    response = await skipper.post(
        "/ships",
        data={"csrf_token": token, "name": "Leviathan"},
        files={"photo": ("huge.png", big, "image/png")},
        headers=HTMX,
    )
    assert response.status_code == 422
    assert "huge.png is over the limit of 5 MB per file." in response.text
    assert "Leviathan" not in await _ship_ids(skipper)
    assert [key async for key in STORAGE.get(started_app).list()] == []

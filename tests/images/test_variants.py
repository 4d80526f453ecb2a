"""Variants of attached images: links, made once and kept, jobs, authorization, purge."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Annotated

import httpx
import pytest
import sqlalchemy as sa
from fastapi import Depends, Header, HTTPException, Request
from fastapi.responses import Response
from PIL import Image
from tests.images.pictures import bmp, bomb_png, png, rotated_jpeg_with_gps
from tests.images.support import (
    LARGE,
    THUMB,
    Boat,
    images_app,
    new_boat,
    variant_link,
    written_keys,
)

from shipyard import App
from shipyard.attachments import PurgeBlobs, find_orphans
from shipyard.db import count_queries
from shipyard.db.extension import get_database
from shipyard.errors import ShipyardError
from shipyard.images import (
    VARIANT_OF,
    ImageCheck,
    ImagesDep,
    ImagesExtension,
    variant_key,
)
from shipyard.jobs import get_jobs
from shipyard.storage import STORAGE
from shipyard.uploads import Upload, Uploads


async def owned_boat(
    boat_id: int, request: Request, user: Annotated[str, Header(alias="x-user")]
) -> Boat:
    async with get_database(request.app).sessionmaker() as session:
        boat = await session.get(Boat, boat_id)
        if boat is None or boat.owner != user:  # someone else's boat: as if missing
            raise HTTPException(404)
        return boat


async def boat_thumbnail(
    request: Request, boat: Annotated[Boat, Depends(owned_boat)], images: ImagesDep
) -> Response:
    async with get_database(request.app).sessionmaker() as session:
        session.add(boat)
        blob = await boat.photo.get()
    if blob is None:
        raise HTTPException(404)
    return await images.download(request, blob, boat.photo.variant("thumb"))


async def upload_photo(
    uploads: Annotated[Uploads, Depends(Upload(checks=[ImageCheck()]))],
) -> dict[str, str]:
    return {file.filename or "": file.content_type for file in uploads.files}


@pytest.fixture
async def app(tmp_path: Path) -> AsyncIterator[App]:
    app = images_app(tmp_path)
    app.add_api_route("/boats/{boat_id}/thumbnail", boat_thumbnail)
    app.add_api_route("/photos", upload_photo, methods=["POST"])
    async with app.router.lifespan_context(app):
        yield app


@pytest.fixture
async def client(app: App) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


async def test_a_variant_is_made_on_the_first_request_then_kept(
    app: App, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    boat_id = await new_boat(app, rotated_jpeg_with_gps())
    url = await variant_link(app, boat_id)
    assert url.startswith("/storage/variants/")
    written = written_keys(app, monkeypatch)
    first = await client.get(url)
    assert first.status_code == 200
    assert first.headers["content-type"] == "image/webp"
    assert first.headers["content-disposition"].startswith('inline; filename="boat.webp"')
    shown = Image.open(io.BytesIO(first.content))
    assert shown.size == (8, 8)
    assert len(shown.getexif()) == 0
    assert len(written) == 1
    second = await client.get(url)
    assert second.content == first.content
    assert len(written) == 1  # found in storage, not made again


async def test_variants_are_made_ahead_by_a_job_after_the_commit(app: App) -> None:
    boat_id = await new_boat(app, png(), pregenerate=True)
    jobs = get_jobs(app)
    assert await jobs.drain() == 1
    async with get_database(app).sessionmaker() as session:
        blob = await (await session.get_one(Boat, boat_id)).photo.get()
    assert blob is not None
    storage = STORAGE.get(app)
    for variant in (THUMB, LARGE):
        stored = await storage.info(variant_key(blob.key, variant))
        assert stored.metadata == {VARIANT_OF: blob.key}
    large = Image.open(io.BytesIO(await storage.get(variant_key(blob.key, LARGE))))
    assert large.size == (30, 15)


async def test_a_job_for_a_refused_image_gives_up_quietly(app: App) -> None:
    await new_boat(app, bomb_png(), pregenerate=True)
    assert await get_jobs(app).drain() == 1
    assert len([key async for key in STORAGE.get(app).list()]) == 1  # the original only


async def test_someone_elses_variant_is_as_missing_as_their_photo(
    app: App, client: httpx.AsyncClient
) -> None:
    boat_id = await new_boat(app, png(), owner="ann")
    path = f"/boats/{boat_id}/thumbnail"
    mine = await client.get(path, headers={"x-user": "ann"})
    assert (mine.status_code, mine.headers["content-type"]) == (200, "image/webp")
    assert mine.headers["cache-control"] == "private, no-cache"
    theirs = await client.get(path, headers={"x-user": "bob"})
    assert theirs.status_code == 404
    assert theirs.content != mine.content


async def test_links_cannot_be_forged_or_reused_for_the_original(
    app: App, client: httpx.AsyncClient
) -> None:
    boat_id = await new_boat(app, rotated_jpeg_with_gps())
    url = await variant_link(app, boat_id)
    token = url.rsplit("/", 1)[1]
    tampered = await client.get(f"/storage/variants/{token[:-2]}xx")
    assert tampered.status_code == 403
    original_link = await client.get(f"/storage/files/{token}")  # a variant link is not a file link
    assert original_link.status_code == 403
    async with get_database(app).sessionmaker() as session:
        photo = await session.get_one(Boat, boat_id)
        file_url = await photo.photo.url(storage=STORAGE.get(app))
    assert file_url is not None
    as_variant = await client.get(file_url.replace("/files/", "/variants/"))
    assert as_variant.status_code == 403


async def test_hostile_originals_are_4xx_problems(app: App, client: httpx.AsyncClient) -> None:
    for data, status in ((bomb_png(), 422), (bmp(), 415)):
        boat_id = await new_boat(app, data)
        answer = await client.get(await variant_link(app, boat_id))
        assert answer.status_code == status
        assert answer.headers["content-type"] == "application/problem+json"


async def test_a_purged_photo_takes_its_variants_along(app: App, client: httpx.AsyncClient) -> None:
    boat_id = await new_boat(app, png())
    kept_id = await new_boat(app, png((10, 10)))
    for boat in (boat_id, kept_id):
        assert (await client.get(await variant_link(app, boat))).status_code == 200
    storage = STORAGE.get(app)
    assert len([key async for key in storage.list()]) == 4
    async with get_database(app).sessionmaker() as session, session.begin():
        orphans = await find_orphans(session, storage, grace=timedelta(0))
        assert len(orphans) == 0  # a variant of a live photo is no orphan
        await session.delete(await session.get_one(Boat, boat_id))
    await get_jobs(app).enqueue(PurgeBlobs())
    await get_jobs(app).drain()
    assert len([key async for key in storage.list()]) == 2  # the kept boat's photo and thumb


async def test_uploads_checked_as_images(client: httpx.AsyncClient) -> None:
    fine = await client.post("/photos", files={"file": ("ok.png", png(), "image/png")})
    assert fine.json() == {"ok.png": "image/png"}
    bomb = await client.post("/photos", files={"file": ("bomb.png", bomb_png(), "image/png")})
    assert bomb.status_code == 422
    assert "bomb.png: The image is too large to process" in bomb.json()["detail"]
    odd = await client.post("/photos", files={"file": ("odd.bmp", bmp(), "image/bmp")})
    assert odd.status_code == 415
    text = await client.post("/photos", files={"file": ("a.txt", b"plain words", "text/plain")})
    assert text.status_code == 200  # not an image: not this check's business


def test_the_extension_needs_storage(tmp_path: Path) -> None:
    app = App(root=tmp_path, profile="test", extensions=[ImagesExtension()])
    findings = [f.id for ext in app.extensions for f in ext.checks(app, deploy=False)]
    assert "images.E001" in findings


async def test_a_list_gets_every_record_s_photo_in_one_query(app: App) -> None:
    first, second = await new_boat(app, png()), await new_boat(app, png())
    async with get_database(app).sessionmaker() as session, session.begin():
        bare = Boat(owner="ann")
        session.add(bare)
        await session.flush()
        boats = list(await session.scalars(sa.select(Boat).order_by(Boat.id)))
        with count_queries() as queries:
            photos = await Boat.photo.last_of(session, boats)
        assert len(queries.statements) == 1
        assert set(photos) == {first, second}
        assert photos[first] == await boats[0].photo.get()


def test_an_unknown_variant_names_the_slot() -> None:
    with pytest.raises(ShipyardError, match=r"Boat\.photo has no variant 'huge'"):
        Boat.photo.variant("huge")

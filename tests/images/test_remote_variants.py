"""Variants on real S3 (a moto server) and Azure (Azurite): made once and kept, sent as
a 303 to a signed URL of the variant's bytes, purged with their original."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from PIL import Image
from tests.images.pictures import rotated_jpeg_with_gps
from tests.images.support import Boat, images_app, new_boat, variant_link, written_keys
from tests.storage.test_azure import new_container
from tests.storage.test_s3 import make_s3, new_bucket

from shipyard import App
from shipyard.attachments import PurgeBlobs
from shipyard.db.extension import get_database
from shipyard.jobs import get_jobs
from shipyard.storage import STORAGE, Storage
from shipyard.storage.azure import AzureStorage


@pytest.fixture(
    params=[
        pytest.param("s3", marks=pytest.mark.aws),
        pytest.param("azure", marks=pytest.mark.azure),
    ]
)
async def store(request: pytest.FixtureRequest) -> Storage:
    """An empty bucket on the moto server, or an empty container on Azurite."""
    if request.param == "s3":
        endpoint: str = request.getfixturevalue("moto_endpoint")
        return make_s3(endpoint, new_bucket(endpoint))
    connection_string: str = request.getfixturevalue("azurite_connection_string")
    return AzureStorage(connection_string, await new_container(connection_string))


@pytest.fixture
async def app(tmp_path: Path, store: Storage) -> AsyncIterator[App]:
    app = images_app(tmp_path, store)
    async with app.router.lifespan_context(app):
        yield app
    await store.close()


async def stored_keys(app: App) -> list[str]:
    return [key async for key in STORAGE.get(app).list()]


async def test_a_variant_is_made_once_and_sent_through_a_signed_url(
    app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    boat_id = await new_boat(app, rotated_jpeg_with_gps())
    link = await variant_link(app, boat_id, "large")
    written = written_keys(app, monkeypatch)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        first, second = await client.get(link), await client.get(link)
    assert len(written) == 1  # made on the first request, found in the store on the second
    assert len(await stored_keys(app)) == 2  # the photo and its variant
    for answer in (first, second):
        assert answer.status_code == 303
        assert answer.headers["cache-control"] == "no-store"
    async with httpx.AsyncClient() as store_client:
        fetched = await store_client.get(second.headers["location"])
    assert fetched.status_code == 200
    assert fetched.headers["content-type"] == "image/jpeg"
    assert fetched.headers["content-disposition"].startswith("inline")
    assert "boat.jpg" in fetched.headers["content-disposition"]
    shown = Image.open(io.BytesIO(fetched.content))
    assert shown.size == (15, 30)  # 40x20 lying on its side: upright, then within 30x30
    top = shown.getpixel((7, 2))
    assert isinstance(top, tuple)
    assert top[0] > 200 > top[2]  # red on top, where the left half went
    assert len(shown.getexif()) == 0  # no GPS position, no orientation left


async def test_purging_a_photo_deletes_its_variants_in_the_store(app: App) -> None:
    boat_id = await new_boat(app, rotated_jpeg_with_gps(), pregenerate=True)
    jobs = get_jobs(app)
    assert await jobs.drain() == 1
    assert len(await stored_keys(app)) == 3  # the photo, its thumb and its large copy
    async with get_database(app).sessionmaker() as session, session.begin():
        await session.delete(await session.get_one(Boat, boat_id))
    await jobs.enqueue(PurgeBlobs())
    await jobs.drain()
    assert await stored_keys(app) == []

"""A boat with a photo and its variants, for the images tests on every storage backend."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column
from tests.attachments.support import files_app

from shipyard import App
from shipyard.attachments import Attachment
from shipyard.db.extension import get_database
from shipyard.db.model import IdMixin, Model
from shipyard.images import IMAGES, ImagesExtension, Variant
from shipyard.jobs import get_jobs
from shipyard.storage import STORAGE, Storage
from shipyard.uploads import UploadedFile

THUMB = Variant(resize_to_fill=(8, 8), format="webp")
LARGE = Variant(resize_to_limit=(30, 30))


class Boat(Model, IdMixin):
    __tablename__ = "image_test_boats"

    owner: Mapped[str] = mapped_column(sa.String(20))
    photo = Attachment(variants={"thumb": THUMB, "large": LARGE})


def images_app(root: Path, storage: Storage | None = None) -> App:
    """An app (not started) with boats, variants and ``storage`` (local under ``root``)."""
    return files_app(root, ImagesExtension(), storage=storage)


def written_keys(app: App, monkeypatch: pytest.MonkeyPatch) -> list[str | None]:
    """The keys the app's storage is asked to write from now on (its ``put`` spied on)."""
    storage = STORAGE.get(app)
    put = storage.put
    keys: list[str | None] = []

    async def spied(source: Any, **options: Any) -> Any:
        keys.append(options.get("key"))
        return await put(source, **options)

    monkeypatch.setattr(storage, "put", spied)
    return keys


async def new_boat(app: App, data: bytes, *, owner: str = "ann", pregenerate: bool = False) -> int:
    jobs = get_jobs(app) if pregenerate else None
    async with get_database(app).sessionmaker() as session, session.begin():
        boat = Boat(owner=owner)
        session.add(boat)
        photo = UploadedFile.from_local(io.BytesIO(data), "boat.jpg")
        await boat.photo.attach(photo, storage=STORAGE.get(app), jobs=jobs)
        await session.flush()
        return boat.id


async def variant_link(app: App, boat_id: int, name: str = "thumb") -> str:
    async with get_database(app).sessionmaker() as session:
        boat = await session.get_one(Boat, boat_id)
        url = await boat.photo.variant_url(name, images=IMAGES.get(app))
    assert url is not None
    return url

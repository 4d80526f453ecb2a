"""Attachments on a model: attach, replace, many, URLs, purge on delete (a job), orphans."""

from __future__ import annotations

import importlib
import io
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.operations import Operations
from sqlalchemy.orm import Mapped, mapped_column
from tests.attachments.support import files_app

from shipyard import App
from shipyard.attachments import (
    ATTACHMENT_MIGRATIONS,
    Attachment,
    Attachments,
    AttachmentsExtension,
    PurgeBlobs,
    create_blob,
    delete_orphans,
    find_orphans,
)
from shipyard.attachments.tables import attachments_table, blobs_table
from shipyard.db.extension import get_database
from shipyard.db.model import IdMixin, Model, framework_metadata
from shipyard.errors import ShipyardError
from shipyard.jobs import get_jobs
from shipyard.storage import STORAGE
from shipyard.uploads import UploadedFile

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64 + b"\x00\x00\x00\x00IEND\xaeB`\x82"
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


class Vessel(Model, IdMixin):
    __tablename__ = "attachment_test_vessels"

    name: Mapped[str] = mapped_column(sa.String(50))
    photo = Attachment()
    papers = Attachments()


def upload(data: bytes, name: str) -> UploadedFile:
    return UploadedFile.from_local(io.BytesIO(data), name)


@pytest.fixture
async def app(tmp_path: Path) -> AsyncIterator[App]:
    app = files_app(tmp_path)
    async with app.router.lifespan_context(app):
        yield app


async def stored_keys(app: App) -> set[str]:
    return {key async for key in STORAGE.get(app).list()}


async def new_vessel(app: App, name: str = "Argo") -> int:
    async with get_database(app).sessionmaker() as session, session.begin():
        vessel = Vessel(name=name)
        session.add(vessel)
        await vessel.photo.attach(upload(PNG, "argo.png"), storage=STORAGE.get(app))
        await vessel.papers.attach(
            upload(PDF, "register.pdf"),
            upload(PDF + b"\n", "insurance.pdf"),
            storage=STORAGE.get(app),
        )
        await session.flush()
        return vessel.id


async def test_attach_one_and_many_and_read_them_back(app: App) -> None:
    vessel_id = await new_vessel(app)
    storage = STORAGE.get(app)
    async with get_database(app).sessionmaker() as session:
        vessel = await session.get_one(Vessel, vessel_id)
        photo = await vessel.photo.get()
        assert photo is not None
        assert (photo.filename, photo.content_type, photo.byte_size) == (
            "argo.png",
            "image/png",
            len(PNG),
        )
        assert photo.is_image
        assert photo.backend == "local"
        assert await storage.get(photo.key) == PNG
        papers = await vessel.papers.all()
        assert [blob.filename for blob in papers] == ["register.pdf", "insurance.pdf"]
        assert [blob.content_type for blob in papers] == ["application/pdf"] * 2
        url = await vessel.photo.url(storage=storage)
        links = await vessel.papers.urls(storage=storage)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        assert url is not None
        shown = await client.get(url)
        assert (shown.content, shown.headers["content-type"]) == (PNG, "image/png")
        assert shown.headers["content-disposition"].startswith("inline")
        download = await client.get(links[0][1])
        assert download.headers["content-disposition"].startswith(
            'attachment; filename="register.pdf"'
        )


async def test_a_record_without_files_has_no_url(app: App) -> None:
    async with get_database(app).sessionmaker() as session, session.begin():
        vessel = Vessel(name="Bare")
        session.add(vessel)
        assert await vessel.photo.get() is None
        assert await vessel.photo.url(storage=STORAGE.get(app)) is None
        assert await vessel.papers.all() == []


async def test_replacing_the_photo_purges_the_old_one(app: App) -> None:
    vessel_id = await new_vessel(app)
    async with get_database(app).sessionmaker() as session, session.begin():
        vessel = await session.get_one(Vessel, vessel_id)
        old = await vessel.photo.get()
        new = await vessel.photo.attach(upload(PNG + b"", "new.png"), storage=STORAGE.get(app))
    assert old is not None
    assert old.key in await stored_keys(app)
    await get_jobs(app).enqueue(PurgeBlobs())
    assert await get_jobs(app).drain() == 1
    keys = await stored_keys(app)
    assert old.key not in keys
    assert new.key in keys


async def test_deleting_a_record_purges_its_files_through_a_job(app: App) -> None:
    vessel_id = await new_vessel(app)
    other_id = await new_vessel(app, "Kept")
    assert len(await stored_keys(app)) == 6
    async with get_database(app).sessionmaker() as session, session.begin():
        await session.delete(await session.get_one(Vessel, vessel_id))
    async with get_database(app).sessionmaker() as session:
        left: set[str] = set(
            (await session.execute(sa.select(attachments_table.c.record_id))).scalars()
        )
        assert left == {str(other_id)}
    assert len(await stored_keys(app)) == 6  # nothing deleted before the job runs
    await get_jobs(app).enqueue(PurgeBlobs())
    await get_jobs(app).drain()
    assert len(await stored_keys(app)) == 3
    async with get_database(app).sessionmaker() as session:
        assert (await session.scalar(sa.select(sa.func.count()).select_from(blobs_table))) == 3
        kept = await session.get_one(Vessel, other_id)
        photo = await kept.photo.get()
        assert photo is not None
        assert await STORAGE.get(app).get(photo.key) == PNG


async def test_a_rolled_back_delete_keeps_the_files(app: App) -> None:
    vessel_id = await new_vessel(app)
    async with get_database(app).sessionmaker() as session, session.begin():
        await session.delete(await session.get_one(Vessel, vessel_id))
        await session.flush()
        await session.rollback()
    await get_jobs(app).enqueue(PurgeBlobs())
    await get_jobs(app).drain()
    assert len(await stored_keys(app)) == 3
    async with get_database(app).sessionmaker() as session:
        vessel = await session.get_one(Vessel, vessel_id)
        assert len(await vessel.papers.all()) == 2


async def test_a_record_outside_a_session_says_what_to_do(app: App) -> None:
    with pytest.raises(ShipyardError, match=r"session\.add"):
        await Vessel(name="Loose").photo.get()


async def test_orphans_are_found_and_deleted_after_the_grace_period(app: App) -> None:
    from datetime import timedelta

    await new_vessel(app)
    storage = STORAGE.get(app)
    stray = await storage.put(b"no row names me")
    async with get_database(app).sessionmaker() as session, session.begin():
        unattached = await create_blob(session, storage, upload(PDF, "lost.pdf"))
    async with get_database(app).sessionmaker() as session, session.begin():
        assert len(await find_orphans(session, storage)) == 0  # within the grace period
        seen: list[int] = []
        orphans = await find_orphans(session, storage, grace=timedelta(0), progress=seen.append)
        assert [blob.key for blob in orphans.blobs] == [unattached.key]
        assert orphans.objects == [stray.key]
        assert sum(seen) == 5  # every stored object was looked at
        assert len(await stored_keys(app)) == 5  # finding deletes nothing (--dry-run)
        assert await delete_orphans(session, storage, orphans) == 2
    assert len(await stored_keys(app)) == 3
    async with get_database(app).sessionmaker() as session:
        assert len(await find_orphans(session, storage, grace=timedelta(0))) == 0


OWNED = {blobs_table.name, attachments_table.name}


def _only_attachments(obj: Any, name: str | None, kind: str, reflected: bool, other: Any) -> bool:
    table = obj if kind == "table" else getattr(obj, "table", None)
    return table is not None and table.name in OWNED


def test_the_migration_matches_the_tables(tmp_path: Path) -> None:
    migration = importlib.import_module("shipyard.attachments.migrations.attachments_0001_tables")
    assert ATTACHMENT_MIGRATIONS.tables == {
        table.name: frozenset(column.name for column in table.columns)
        for table in (blobs_table, attachments_table)
    }
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'm.db'}")
    with engine.begin() as connection:
        with Operations.context(MigrationContext.configure(connection)):
            migration.upgrade()
        context = MigrationContext.configure(
            connection, opts={"include_object": _only_attachments, "compare_type": True}
        )
        assert compare_metadata(context, framework_metadata) == []
        with Operations.context(MigrationContext.configure(connection)):
            migration.downgrade()
        assert not any(sa.inspect(connection).has_table(name) for name in OWNED)
    engine.dispose()


def test_the_extension_needs_storage(tmp_path: Path) -> None:
    app = App(root=tmp_path, profile="test", extensions=[AttachmentsExtension()])
    findings = [f.id for ext in app.extensions for f in ext.checks(app, deploy=False)]
    assert "attachments.E001" in findings

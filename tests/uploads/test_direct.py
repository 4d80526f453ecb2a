"""Direct uploads, for real, on local disk, S3 (a moto server) and Azure (Azurite).

The client declares a file (``POST /uploads/direct``), sends its bytes to the store
through the presigned request it got back, then a form route confirms the signed id
(:func:`~shipyard.uploads.direct.confirm_upload`) and attaches the blob. The hostile
cases: bytes that are not those declared (checksum, size, type), a renamed program,
EICAR, forged, expired, replayed and someone else's signed ids, a reused upload link,
CSRF; and a pending upload nobody confirms is purged.
"""

from __future__ import annotations

import base64
import hashlib
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from fastapi import APIRouter, Request
from itsdangerous import TimestampSigner
from pydantic import BaseModel
from sqlalchemy.orm import Mapped, mapped_column
from tests.storage.test_azure import new_container
from tests.storage.test_s3 import make_s3, new_bucket
from tests.uploads.conftest import EICAR, png

from shipyard import App, Settings
from shipyard.attachments import Attachments, AttachmentsExtension, purge_due
from shipyard.attachments.tables import blobs_table
from shipyard.config.models import DatabaseSettings
from shipyard.core.clock import utc_now
from shipyard.db import DbSession
from shipyard.db.extension import get_database
from shipyard.db.model import IdMixin, Model
from shipyard.storage import STORAGE, LocalStorage, Storage, StorageExtension, UrlSigner
from shipyard.storage.azure import AzureStorage
from shipyard.testing.client import ShipyardClient
from shipyard.testing.schema import create_app_schema
from shipyard.uploads import Upload, UploadsExtension
from shipyard.uploads.direct import confirm_upload

PNG = png(b"\x00" * 300)
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
PROGRAM = b"MZ\x90\x00" + b"\x00" * 300
RULES = Upload(max_size="64KB", types=["image/png", "application/pdf"])
BACKENDS = [
    "local",
    pytest.param("s3", marks=pytest.mark.aws),
    pytest.param("azure", marks=pytest.mark.azure),
]


class Crate(Model, IdMixin):
    __tablename__ = "direct_upload_test_crates"

    label: Mapped[str] = mapped_column(sa.String(50))
    contents = Attachments()


class Confirmation(BaseModel):
    signed_id: str


router = APIRouter()


@router.post("/crates")
async def add_crate(request: Request, body: Confirmation, session: DbSession) -> dict[str, Any]:
    """The form's route: confirm the upload, then attach it."""
    rules = request.app.state.rules
    blob = await confirm_upload(request, session, body.signed_id, upload=rules, field="contents")
    crate = Crate(label="crate")
    session.add(crate)
    await crate.contents.attach(blob, storage=STORAGE.get(request.app))
    return {"crate": crate.id, "key": blob.key, "type": blob.content_type, "sha256": blob.checksum}


def sha256(data: bytes) -> str:
    return base64.b64encode(hashlib.sha256(data).digest()).decode()


def md5(data: bytes) -> str:
    return base64.b64encode(hashlib.md5(data).digest()).decode()  # S3's Content-MD5


MakeStorage = Callable[[], Awaitable[Storage]]


@pytest.fixture(params=BACKENDS)
def make_storage(request: pytest.FixtureRequest, tmp_path: Path) -> MakeStorage:
    """A fresh store of each backend (S3 and Azure on their real emulators)."""
    backend = request.param

    async def make() -> Storage:
        if backend == "s3":
            endpoint = request.getfixturevalue("moto_endpoint")
            return make_s3(endpoint, new_bucket(endpoint))
        if backend == "azure":
            connection = request.getfixturevalue("azurite_connection_string")
            return AzureStorage(connection, await new_container(connection))
        return LocalStorage(tmp_path / "files", signer=UrlSigner("s" * 40))

    return make


def make_app(tmp_path: Path, storage: Storage, rules: Upload = RULES, **uploads: Any) -> App:
    settings = Settings.model_validate(
        {
            "profile": "test",
            "database": DatabaseSettings(url=f"sqlite+aiosqlite:///{tmp_path}/app.db"),
            "uploads": uploads,
        }
    )
    app = App(
        settings,
        root=tmp_path,
        extensions=[
            StorageExtension(storage=storage),
            AttachmentsExtension(purge_schedule=None),
            UploadsExtension(direct=True),
        ],
    )
    app.include_router(router)
    app.state.rules = rules
    app.on_startup(create_app_schema)
    return app


@pytest.fixture
async def browser(tmp_path: Path, make_storage: MakeStorage) -> AsyncIterator[ShipyardClient]:
    """A client with cookies and the CSRF token, as the drop zone's page is."""
    storage = await make_storage()
    app = make_app(tmp_path, storage)
    try:
        async with app.router.lifespan_context(app), ShipyardClient(app, csrf=True) as client:
            yield client
    finally:
        await storage.close()


async def declare(
    client: httpx.AsyncClient,
    data: bytes,
    *,
    name: str = "crate.png",
    content_type: str = "image/png",
    checksum: str | None = None,
    size: int | None = None,
) -> dict[str, Any]:
    """Step 1: the signed id and the upload request for ``data``."""
    response = await client.post(
        "/uploads/direct",
        json={
            "filename": name,
            "byte_size": len(data) if size is None else size,
            "checksum": sha256(data) if checksum is None else checksum,
            "content_type": content_type,
        },
    )
    assert response.status_code == 201, response.text
    answer: dict[str, Any] = response.json()
    return answer


async def send(client: httpx.AsyncClient, target: dict[str, Any], data: bytes) -> httpx.Response:
    """Step 2: the bytes to the store (the app itself for local disk)."""
    url, headers = target["url"], target["headers"]
    assert target["method"] == "PUT"
    if url.startswith("/"):
        return await client.put(url, content=data, headers=headers)
    async with httpx.AsyncClient() as outside:
        return await outside.put(url, content=data, headers=headers)


async def confirm(client: httpx.AsyncClient, signed_id: str) -> httpx.Response:
    """Step 3: the form names the upload."""
    return await client.post("/crates", json={"signed_id": signed_id})


async def upload(client: ShipyardClient, data: bytes, **declared: Any) -> httpx.Response:
    target = await declare(client, data, **declared)
    sent = await send(client, target, data)
    assert sent.status_code in {200, 201}, sent.text
    return await confirm(client, target["signed_id"])


def storage_of(client: ShipyardClient) -> Storage:
    return STORAGE.get(client.app)


async def blob_rows(client: ShipyardClient) -> list[Any]:
    async with get_database(client.app).sessionmaker() as session:
        return list(await session.execute(sa.select(blobs_table)))


# -- the whole flow ----------------------------------------------------------------------


async def test_a_direct_upload_is_checked_confirmed_and_attached(browser: ShipyardClient) -> None:
    target = await declare(browser, PNG)
    [pending] = await blob_rows(browser)
    assert pending.checksum == ""
    assert pending.purge_after is not None
    assert pending.filename == "crate.png"
    sent = await send(browser, target, PNG)
    assert sent.status_code in {200, 201}
    response = await confirm(browser, target["signed_id"])
    assert response.status_code == 200, response.text
    confirmed = response.json()
    assert confirmed["type"] == "image/png"
    assert confirmed["sha256"] == hashlib.sha256(PNG).hexdigest()
    assert confirmed["key"] == pending.key  # the key the app made, never the client's
    assert await storage_of(browser).get(pending.key) == PNG
    [row] = await blob_rows(browser)
    assert (row.checksum, row.purge_after, row.metadata) == (confirmed["sha256"], None, {})
    async with get_database(browser.app).sessionmaker() as session:
        crate = await session.get_one(Crate, confirmed["crate"])
        assert [blob.key for blob in await crate.contents.all()] == [pending.key]


async def test_an_md5_checksum_is_accepted_too(browser: ShipyardClient) -> None:
    response = await upload(browser, PDF, name="papers.pdf", content_type="application/pdf",
                            checksum=md5(PDF))  # fmt: skip
    assert response.status_code == 200, response.text
    assert response.json()["type"] == "application/pdf"


async def test_an_unknown_declared_type_takes_the_type_of_the_bytes(
    browser: ShipyardClient,
) -> None:
    response = await upload(browser, PNG, content_type="application/octet-stream")
    assert response.status_code == 200, response.text
    assert response.json()["type"] == "image/png"


# -- bytes that are not those declared ---------------------------------------------------


@pytest.fixture
def refused(browser: ShipyardClient) -> Callable[[httpx.Response, str], Awaitable[None]]:
    async def check(response: httpx.Response, reason: str) -> None:
        assert response.status_code == 422, response.text
        assert reason in response.json()["detail"]
        [row] = await blob_rows(browser)  # the route's transaction rolled back...
        assert not await storage_of(browser).exists(row.key)  # ...but its object is gone

    return check


async def test_bytes_other_than_declared_are_refused_and_deleted(
    browser: ShipyardClient, refused: Callable[[httpx.Response, str], Awaitable[None]]
) -> None:
    target = await declare(browser, PNG)
    other = png(b"\x01" * 300)  # same size, other bytes: the store took them (or checked)
    sent = await send(browser, target, other)
    if sent.status_code >= 400:  # a store that checks the SHA-256 itself (real S3)
        pytest.skip("the store refused the bytes itself")
    await refused(await confirm(browser, target["signed_id"]), "does not match its checksum")


async def test_a_renamed_program_is_refused(
    browser: ShipyardClient, refused: Callable[[httpx.Response, str], Awaitable[None]]
) -> None:
    response = await upload(browser, PROGRAM, name="photo.png", content_type="image/png")
    await refused(response, "application/x-executable, not the image/png it was declared as")


async def test_a_type_that_the_form_does_not_take_is_refused(
    browser: ShipyardClient, refused: Callable[[httpx.Response, str], Awaitable[None]]
) -> None:
    text = b"just some words\n"
    response = await upload(browser, text, name="notes.txt", content_type="text/plain")
    await refused(response, "not one of the accepted types")


async def test_a_declared_type_that_the_bytes_deny_is_refused(
    browser: ShipyardClient, refused: Callable[[httpx.Response, str], Awaitable[None]]
) -> None:
    response = await upload(browser, PNG, name="page.html", content_type="text/html")
    await refused(response, "is image/png, not the text/html it was declared as")


async def test_an_upload_never_sent_is_refused(browser: ShipyardClient) -> None:
    target = await declare(browser, PNG)
    response = await confirm(browser, target["signed_id"])
    assert response.status_code == 422
    assert "was not uploaded" in response.json()["detail"]


async def test_a_body_longer_than_declared_is_refused(
    browser: ShipyardClient, refused: Callable[[httpx.Response, str], Awaitable[None]]
) -> None:
    big = png(b"\x00" * 600)
    target = await declare(browser, big, size=len(PNG))
    sent = await send(browser, target, big)
    if sent.status_code >= 400:  # local disk and real S3 refuse it on the way in
        assert sent.status_code in {400, 403, 413}
        response = await confirm(browser, target["signed_id"])
        assert "was not uploaded" in response.json()["detail"]
        return
    await refused(await confirm(browser, target["signed_id"]), "larger than it was declared")


async def test_a_file_over_the_limit_is_refused_before_it_is_sent(
    browser: ShipyardClient,
) -> None:
    response = await browser.post(
        "/uploads/direct",
        json={"filename": "huge.bin", "byte_size": 11 * 1024 * 1024, "checksum": sha256(b"")},
    )
    assert response.status_code == 413
    assert "the limit is 10 MB" in response.json()["detail"]
    assert await blob_rows(browser) == []


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("checksum", "not base64!", "MD5 or a SHA-256"),
        ("checksum", base64.b64encode(b"short").decode(), "MD5 or a SHA-256"),
        ("content_type", "text/html\r\nX-Evil: 1", "is not a media type"),
    ],
)
async def test_a_bad_declaration_is_refused(
    browser: ShipyardClient, field: str, value: str, reason: str
) -> None:
    declared = {"filename": "a.png", "byte_size": 3, "checksum": sha256(b"abc"), field: value}
    response = await browser.post("/uploads/direct", json=declared)
    assert response.status_code == 422
    assert reason in response.json()["detail"]


# -- signed ids ------------------------------------------------------------------------


async def test_a_confirmed_upload_cannot_be_confirmed_again(browser: ShipyardClient) -> None:
    target = await declare(browser, PNG)
    await send(browser, target, PNG)
    assert (await confirm(browser, target["signed_id"])).status_code == 200
    replayed = await confirm(browser, target["signed_id"])
    assert replayed.status_code == 422
    assert "not valid" in replayed.json()["detail"]
    again = await send(browser, target, png(b"\x02" * 300))  # nor replaced through its link
    assert again.status_code in {403, 409, 412}, again.text  # Azure: the SAS may only create
    assert await storage_of(browser).get((await blob_rows(browser))[0].key) == PNG


async def test_someone_elses_upload_is_refused_and_kept(browser: ShipyardClient) -> None:
    target = await declare(browser, PNG)
    await send(browser, target, PNG)
    async with ShipyardClient(browser.app, csrf=True) as stranger:
        await stranger.get("/health")
        response = await confirm(stranger, target["signed_id"])
    assert response.status_code == 422
    assert "not yours" in response.json()["detail"]
    assert (await confirm(browser, target["signed_id"])).status_code == 200


@pytest.mark.parametrize("forged", ["", "1", "1.abc.def", "eyJhIjoxfQ.AAAAAA.BBBBBB"])
async def test_a_forged_signed_id_is_refused(browser: ShipyardClient, forged: str) -> None:
    target = await declare(browser, PNG)
    await send(browser, target, PNG)
    response = await confirm(browser, forged)
    assert response.status_code == 422
    altered = target["signed_id"][:-2] + ("AA" if target["signed_id"][-2:] != "AA" else "BB")
    assert (await confirm(browser, altered)).status_code == 422
    assert await storage_of(browser).exists((await blob_rows(browser))[0].key)


async def test_an_expired_signed_id_is_refused(
    browser: ShipyardClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = await declare(browser, PNG)
    await send(browser, target, PNG)
    later = int(time.time()) + 24 * 3600 + 5
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: later)
    response = await confirm(browser, target["signed_id"])
    assert response.status_code == 422
    assert "expired" in response.json()["detail"]


async def test_the_declaration_needs_the_csrf_token(browser: ShipyardClient) -> None:
    await browser.get("/health")
    await declare(browser, PNG)  # the session cookie is set now
    async with ShipyardClient(browser.app, cookies=browser.cookies) as forged:
        response = await forged.post(
            "/uploads/direct",
            json={"filename": "a.png", "byte_size": 3, "checksum": sha256(b"abc")},
        )
    assert response.status_code == 403


# -- what nobody confirms --------------------------------------------------------------


async def test_a_pending_upload_nobody_confirms_is_purged(browser: ShipyardClient) -> None:
    target = await declare(browser, PNG)
    await send(browser, target, PNG)
    [row] = await blob_rows(browser)
    storage = storage_of(browser)
    async with get_database(browser.app).sessionmaker() as session, session.begin():
        assert await purge_due(session, storage) == 0  # not yet
        later = utc_now() + timedelta(days=1, minutes=1)
        assert await purge_due(session, storage, now=later) == 1
    assert await blob_rows(browser) == []
    assert not await storage.exists(row.key)


# -- local disk: the app receives the PUT ------------------------------------------------


@pytest.fixture
async def local(tmp_path: Path) -> AsyncIterator[ShipyardClient]:
    storage = LocalStorage(tmp_path / "files", signer=UrlSigner("s" * 40))
    app = make_app(tmp_path, storage)
    async with app.router.lifespan_context(app), ShipyardClient(app, csrf=True) as client:
        yield client


async def test_local_upload_links_are_checked(local: ShipyardClient) -> None:
    target = await declare(local, PNG)
    url = target["url"]
    assert url.startswith("/storage/uploads/")
    head, _, signature = url.rpartition(".")
    forged = await local.put(f"{head}.{signature[::-1]}", content=PNG)
    assert forged.status_code == 403
    short = await local.put(url, content=PNG[:-10])
    assert short.status_code == 400
    assert "bytes were sent" in short.json()["detail"]
    long = await local.put(url, content=PNG + b"more")
    assert long.status_code == 413
    key = (await blob_rows(local))[0].key
    assert not await storage_of(local).exists(key)  # nothing kept of either
    assert (await local.put(url, content=PNG)).status_code == 201


async def test_a_local_upload_from_a_browser_needs_the_csrf_token(local: ShipyardClient) -> None:
    target = await declare(local, PNG)
    async with ShipyardClient(local.app, cookies=local.cookies) as page:
        refused = await page.put(target["url"], content=PNG)
    assert refused.status_code == 403


async def test_an_infected_file_is_refused(tmp_path: Path, clamd_address: str) -> None:
    storage = LocalStorage(tmp_path / "files", signer=UrlSigner("s" * 40))
    rules = Upload(types=["text/plain"])
    app = make_app(tmp_path, storage, rules, clamd=clamd_address)
    async with app.router.lifespan_context(app), ShipyardClient(app, csrf=True) as client:
        target = await declare(client, EICAR, name="eicar.txt", content_type="text/plain")
        await send(client, target, EICAR)
        response = await confirm(client, target["signed_id"])
        assert response.status_code == 422
        assert "the virus scan found Eicar" in response.json()["detail"]
        assert not await storage.exists((await blob_rows(client))[0].key)

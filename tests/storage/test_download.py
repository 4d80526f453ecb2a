"""``download``: a route that checked the caller's right sends the file; streamed with
ranges from local disk, a 303 to a short-lived signed URL on S3 (a real moto server)."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from fastapi import Request
from starlette.responses import Response
from tests.storage.test_local import make_local
from tests.storage.test_s3 import make_s3, new_bucket

from shipyard import App
from shipyard.storage import DOWNLOAD_SECONDS, STORAGE, Storage, StorageExtension, download


def _app(tmp_path: Path, storage: Storage) -> App:
    app = App(root=tmp_path, profile="test", extensions=[StorageExtension(storage=storage)])
    STORAGE.provide(app, storage)

    @app.get("/reports/{key}")
    async def report(request: Request, key: str, owner: str = "") -> Response:
        if owner != "ann":  # the route's own check, before any byte is read
            return Response(status_code=404)
        return await download(request, storage, key, filename="fleet report.pdf")

    return app


async def test_local_files_are_streamed_by_the_route_with_ranges(tmp_path: Path) -> None:
    storage = make_local(tmp_path / "store")
    stored = await storage.put(b"%PDF-1.4 " + b"x" * 1000, content_type="application/pdf")
    transport = httpx.ASGITransport(app=_app(tmp_path, storage))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        assert (await client.get(f"/reports/{stored.key}")).status_code == 404
        whole = await client.get(f"/reports/{stored.key}", params={"owner": "ann"})
        part = await client.get(
            f"/reports/{stored.key}", params={"owner": "ann"}, headers={"Range": "bytes=0-7"}
        )
    assert whole.status_code == 200
    assert whole.content.startswith(b"%PDF-1.4")
    assert whole.headers["cache-control"] == "private, no-cache"
    disposition = whole.headers["content-disposition"]
    assert (
        disposition
        == "attachment; filename=\"fleet_report.pdf\"; filename*=UTF-8''fleet%20report.pdf"
    )
    assert whole.headers["x-content-type-options"] == "nosniff"
    assert (part.status_code, part.content) == (206, b"%PDF-1.4")


@pytest.mark.aws
async def test_s3_files_are_a_redirect_to_a_short_signed_url(
    tmp_path: Path, moto_endpoint: str
) -> None:
    storage = make_s3(moto_endpoint, new_bucket(moto_endpoint))
    stored = await storage.put(b"%PDF-1.4 report", content_type="application/pdf")
    transport = httpx.ASGITransport(app=_app(tmp_path, storage))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        answer = await client.get(f"/reports/{stored.key}", params={"owner": "ann"})
    assert answer.status_code == 303
    assert answer.headers["cache-control"] == "no-store"
    location = answer.headers["location"]
    assert f"X-Amz-Expires={DOWNLOAD_SECONDS}" in location
    async with httpx.AsyncClient() as store:
        fetched = await store.get(location)
    assert (fetched.status_code, fetched.content) == (200, b"%PDF-1.4 report")
    assert "fleet_report.pdf" in fetched.headers["content-disposition"]

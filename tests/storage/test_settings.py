"""The ``storage`` settings choose the backend; incomplete settings name the missing key."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from shipyard import App, Settings
from shipyard.errors import ShipyardError
from shipyard.storage import STORAGE, LocalStorage, StorageExtension, storage_from_settings
from shipyard.storage.azure import AzureStorage
from shipyard.storage.s3 import S3Storage


def settings(**storage: Any) -> Settings:
    return Settings.model_validate({"profile": "test", "storage": storage})


def test_local_is_the_default_under_the_apps_root(tmp_path: Path) -> None:
    storage = storage_from_settings(settings(), tmp_path)
    assert isinstance(storage, LocalStorage)
    assert storage.root == tmp_path / "var" / "storage"
    assert storage.url_prefix == "/storage/files"


def test_the_local_links_use_the_base_url(tmp_path: Path) -> None:
    chosen = Settings.model_validate(
        {"profile": "test", "app": {"base_url": "https://example.com/app"}}
    )
    storage = storage_from_settings(chosen, tmp_path, url_prefix="/files-here")
    assert isinstance(storage, LocalStorage)
    assert storage.url_prefix == "https://example.com/app/files-here/files"


def test_s3_and_azure_are_chosen_by_settings(tmp_path: Path) -> None:
    s3 = storage_from_settings(
        settings(backend="s3", s3={"bucket": "b", "region": "eu-west-1", "prefix": "app/"}),
        tmp_path,
    )
    assert isinstance(s3, S3Storage)
    assert (s3.bucket, s3.prefix) == ("b", "app/")
    azure = storage_from_settings(
        settings(
            backend="azure",
            azure={
                "connection_string": "DefaultEndpointsProtocol=http;AccountName=a;"
                "AccountKey=a2V5;BlobEndpoint=http://127.0.0.1:1/a;",
                "container": "files",
            },
        ),
        tmp_path,
        url_prefix="/storage",
    )
    assert isinstance(azure, AzureStorage)


@pytest.mark.parametrize(
    ("storage", "names"),
    [
        ({"backend": "s3"}, "storage.s3.bucket"),
        ({"backend": "azure", "azure": {"container": "x"}}, "storage.azure.connection_string"),
    ],
)
def test_incomplete_settings_name_the_key(
    tmp_path: Path, storage: dict[str, Any], names: str
) -> None:
    with pytest.raises(ShipyardError) as error:
        storage_from_settings(settings(**storage), tmp_path)
    assert names in str(error.value)
    app = App(settings(**storage), root=tmp_path, extensions=[StorageExtension()])
    findings = {f.id for ext in app.extensions for f in ext.checks(app, deploy=False)}
    assert "storage.E001" in findings


def test_a_prefix_that_is_a_path_is_refused() -> None:
    with pytest.raises(ValueError, match="prefix"):
        settings(backend="s3", s3={"bucket": "b", "prefix": "../other/"})


def test_going_live_on_local_disk_is_a_warning(tmp_path: Path) -> None:
    app = App(settings(), root=tmp_path, extensions=[StorageExtension()])
    findings = {f.id for ext in app.extensions for f in ext.checks(app, deploy=True)}
    assert "storage.W001" in findings


async def test_the_extension_opens_and_closes_the_store(tmp_path: Path) -> None:
    app = App(settings(), root=tmp_path, extensions=[StorageExtension()])
    async with app.router.lifespan_context(app):
        storage = STORAGE.get(app)
        stored = await storage.put(b"through the app", content_type="text/plain")
        url = await storage.url(stored.key)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            response = await client.get(url)
        assert response.content == b"through the app"
    assert STORAGE.find(app) is None

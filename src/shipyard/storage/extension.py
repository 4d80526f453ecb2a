"""The storage extension: the store the settings choose, and the local files' route.

``StorageExtension(prefix="/storage")`` opens ``storage.backend`` when the app starts
(``STORAGE.get(app)``, ``StorageDep``), closes it at shutdown, and serves the signed
links of the local backend at ``<prefix>/files/<token>`` and receives its direct uploads
at ``<prefix>/uploads/<token>`` (bodies up to ``uploads.max_file_size``). Pass
``storage=`` to use a store built by hand (tests, a second bucket).
"""

from __future__ import annotations

from collections.abc import Iterable

from fastapi import APIRouter

from shipyard.core.app import AppBase
from shipyard.core.checks import Finding
from shipyard.errors import ShipyardError
from shipyard.extension import Extension
from shipyard.storage.base import Storage
from shipyard.storage.factory import DEFAULT_PREFIX, storage_from_settings
from shipyard.storage.serve import receive_file, serve_file
from shipyard.storage.service import STORAGE


class StorageExtension(Extension):
    """File storage for the app: local disk by default, S3 or Azure by settings."""

    name = "storage"

    def __init__(self, *, prefix: str = DEFAULT_PREFIX, storage: Storage | None = None) -> None:
        self.prefix = prefix.rstrip("/")
        self.storage = storage

    def setup(self, app: AppBase) -> None:
        router = APIRouter()
        router.add_api_route(
            "/files/{token}",
            serve_file,
            methods=["GET"],
            name="shipyard.storage.file",
            include_in_schema=False,
        )
        router.add_api_route(
            "/uploads/{token}",
            receive_file,
            methods=["PUT"],
            name="shipyard.storage.upload",
            include_in_schema=False,
            max_body_size=app.settings.uploads.max_file_size,
        )
        app.include_router(router, prefix=self.prefix)

    async def startup(self, app: AppBase) -> None:
        storage = self.storage or storage_from_settings(
            app.settings, app.root, url_prefix=self.prefix
        )
        STORAGE.provide(app, storage)

    async def shutdown(self, app: AppBase) -> None:
        storage = STORAGE.find(app)
        if storage is not None:
            STORAGE.withdraw(app, storage)
            if self.storage is None:
                await storage.close()

    def checks(self, app: AppBase, *, deploy: bool) -> Iterable[Finding]:
        try:
            storage_from_settings(app.settings, app.root, url_prefix=self.prefix)
        except ShipyardError as error:
            yield Finding("storage.E001", "error", error.message, error.hint or "")
            return
        if deploy and app.settings.storage.backend == "local":
            yield Finding(
                "storage.W001",
                "warning",
                "files are stored on local disk: every server needs the same disk, and a "
                "lost disk loses them",
                'set storage.backend = "s3" or "azure" for more than one server',
            )

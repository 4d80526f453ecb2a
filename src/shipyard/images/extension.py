"""The images extension: the variants service and the route behind its links.

``ImagesExtension(prefix="/storage")`` provides :data:`~.service.IMAGES` when the app
starts (it needs the storage extension, started before it) and serves variant links at
``<prefix>/variants/<token>``.
"""

from __future__ import annotations

from collections.abc import Iterable

from fastapi import APIRouter

from shipyard.core.app import AppBase
from shipyard.core.checks import Finding
from shipyard.extension import Extension
from shipyard.images.serve import serve_variant
from shipyard.images.service import IMAGES, SALT, Images
from shipyard.storage import STORAGE, StorageExtension, UrlSigner
from shipyard.storage.factory import DEFAULT_PREFIX


class ImagesExtension(Extension):
    """Image variants (thumbnails, resized, cropped), made once and kept in storage."""

    name = "images"

    def __init__(self, *, prefix: str = DEFAULT_PREFIX) -> None:
        self.prefix = prefix.rstrip("/")

    def setup(self, app: AppBase) -> None:
        router = APIRouter()
        router.add_api_route(
            "/variants/{token}",
            serve_variant,
            methods=["GET"],
            name="shipyard.images.variant",
            include_in_schema=False,
        )
        app.include_router(router, prefix=self.prefix)

    async def startup(self, app: AppBase) -> None:
        settings = app.settings
        base = (settings.app.base_url or "").rstrip("/")
        images = Images(
            STORAGE.get(app),
            settings.images,
            signer=UrlSigner(settings.app.secret_key.get_secret_value(), salt=SALT),
            url_prefix=f"{base}{self.prefix}/variants",
        )
        IMAGES.provide(app, images)

    async def shutdown(self, app: AppBase) -> None:
        images = IMAGES.find(app)
        if images is not None:
            IMAGES.withdraw(app, images)

    def checks(self, app: AppBase, *, deploy: bool) -> Iterable[Finding]:
        if app.find_extension(StorageExtension) is None:
            yield Finding(
                "images.E001",
                "error",
                "the images extension needs the storage extension (where variants are kept)",
                "add StorageExtension() before ImagesExtension() in the app's extensions",
            )

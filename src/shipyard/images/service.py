"""The app's variants as a service: ``IMAGES.get(app)``, ``ImagesDep`` in routes.

:class:`Images` makes links to variants (:meth:`Images.url`: signed, expiring, served by
the images extension's route) and sends a variant to a caller a route has authorized
(:meth:`Images.download`), exactly as :func:`shipyard.storage.download` sends the
original: streamed from local disk, a 303 to a short-lived signed URL elsewhere.
"""

from __future__ import annotations

from typing import Annotated, Protocol

from fastapi import Depends
from starlette.requests import Request
from starlette.responses import Response

from shipyard.config.sections.images import ImageSettings
from shipyard.core.problems import HTTPProblem
from shipyard.core.services import Service
from shipyard.images.errors import ImageRefused
from shipyard.images.stored import stored_variant
from shipyard.images.variants import Variant, variant_filename
from shipyard.storage import Storage, StorageError, StoredObject, UrlSigner, download

SALT = "shipyard.images.variant.v1"
"""The salt of variant links (a storage link is not a variant link, nor the reverse)."""


class ImageSource(Protocol):
    """What a variant is made of: a stored original (a :class:`~shipyard.attachments.Blob`)."""

    @property
    def key(self) -> str: ...

    @property
    def filename(self) -> str | None: ...


class Images:
    """Variants of the images in ``storage``, with links signed by ``signer``."""

    def __init__(
        self, storage: Storage, settings: ImageSettings, *, signer: UrlSigner, url_prefix: str
    ) -> None:
        self.storage = storage
        self.settings = settings
        self.signer = signer
        self.url_prefix = url_prefix

    async def variant(self, key: str, variant: Variant) -> StoredObject:
        """The stored ``variant`` of the image under ``key``, made now if it is not yet."""
        return await stored_variant(self.storage, key, variant, self.settings)

    def url(self, source: ImageSource, variant: Variant, *, expires_in: int | None = None) -> str:
        """A signed link that shows ``variant`` of ``source`` (made on the first request)."""
        token = self.signer.sign(
            source.key,
            expires_in=self.storage.url_expires if expires_in is None else expires_in,
            filename=source.filename,
            inline=True,
            extra={"v": variant.spec()},
        )
        return f"{self.url_prefix}/{token}"

    async def download(self, request: Request, source: ImageSource, variant: Variant) -> Response:
        """Send ``variant`` of ``source`` to a caller the route has authorized.

        A refused image is a 415 or 422 problem, a missing original a 404.
        """
        try:
            stored = await self.variant(source.key, variant)
        except (ImageRefused, StorageError) as error:
            raise HTTPProblem(error.status, detail=error.message) from None
        name = variant_filename(source.filename, stored.content_type)
        return await download(request, self.storage, stored.key, filename=name, inline=True)


IMAGES = Service(
    "images", Images, "image variants", started_by="the images extension (ImagesExtension)"
)

ImagesDep = Annotated[Images, Depends(IMAGES.dependency)]

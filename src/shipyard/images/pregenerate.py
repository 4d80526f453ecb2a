"""Variants made ahead of the first request: the :class:`GenerateVariants` job.

``await jobs.enqueue(GenerateVariants(key=blob.key, variants=[thumb]), session=db)``
renders and stores each variant in a worker, so the first page that shows it does not
wait. Attaching to a slot that declares variants does it for you when given ``jobs=``
(see :meth:`shipyard.attachments.AttachedOne.attach`). An original that is gone or
refused is logged and dropped, not retried: it will not get better.
"""

from __future__ import annotations

from shipyard.images.errors import ImageRefused
from shipyard.images.service import IMAGES
from shipyard.images.stored import stored_variants
from shipyard.images.variants import Variant
from shipyard.jobs import Job, JobContext
from shipyard.storage import ObjectNotFound


class GenerateVariants(Job):
    """Render and store ``variants`` of the image stored under ``key`` (if not yet)."""

    name = "shipyard.images.generate"

    key: str
    variants: list[Variant]

    async def run(self, ctx: JobContext) -> None:
        images = IMAGES.get(ctx.app)
        try:
            await stored_variants(images.storage, self.key, self.variants, images.settings)
        except (ImageRefused, ObjectNotFound) as error:
            ctx.logger.warning("no variants of %s: %s", self.key, error.message)

"""Variants in storage: made once and kept (:func:`stored_variant`), deleted with their image.

A variant is stored under :func:`~.variants.variant_key` (the original's key and the
variant's digest), with the metadata ``variant_of`` naming the original. The first
request for it renders and stores it; every later one finds it (one ``info`` call) and
renders nothing (:func:`stored_variants` for several at once, or to render them again).
Its key shares the original's first characters, so :func:`delete_variants` lists them by
prefix when the original goes (the attachments' purge job does), and the orphans command
recognises them by ``variant_of``.
"""

from __future__ import annotations

from collections.abc import Iterable

from anyio import to_thread

from shipyard.config.sections.images import ImageSettings
from shipyard.images.processing import render
from shipyard.images.variants import Variant, variant_key
from shipyard.storage import ObjectNotFound, Storage, StoredObject, family_prefix

VARIANT_OF = "variant_of"
"""The metadata entry of a stored variant that names its original's key."""


async def stored_variant(
    storage: Storage, key: str, variant: Variant, settings: ImageSettings
) -> StoredObject:
    """``variant`` of the image stored under ``key``, rendered and stored if it is not yet.

    :class:`~.errors.ImageRefused` if the original is not an image that may be decoded,
    :class:`~shipyard.storage.ObjectNotFound` if there is no original.
    """
    target = variant_key(key, variant)
    try:
        return await storage.info(target)
    except ObjectNotFound:
        pass
    data = await storage.get(key)
    rendered, media_type = await to_thread.run_sync(render, data, variant, settings)
    return await storage.put(
        rendered, content_type=media_type, key=target, metadata={VARIANT_OF: key}
    )


async def stored_variants(
    storage: Storage,
    key: str,
    variants: Iterable[Variant],
    settings: ImageSettings,
    *,
    regenerate: bool = False,
) -> list[StoredObject]:
    """Each of ``variants`` of the image under ``key`` (see :func:`stored_variant`);
    ``regenerate`` deletes a stored one first, so that it is rendered again."""
    found = []
    for variant in variants:
        if regenerate:
            await storage.delete(variant_key(key, variant))
        found.append(await stored_variant(storage, key, variant, settings))
    return found


async def delete_variants(storage: Storage, key: str) -> int:
    """Delete every stored variant of ``key``; how many there were."""
    count = 0
    async for found in storage.list(family_prefix(key)):
        if found == key:
            continue
        try:
            info = await storage.info(found)
        except ObjectNotFound:  # deleted since it was listed
            continue
        if info.metadata.get(VARIANT_OF) == key:
            await storage.delete(found)
            count += 1
    return count

"""Images: variants of stored pictures (thumbnails, resized, cropped), made with Pillow.

Owns the :class:`Variant` spec and the key it is stored under (:mod:`.variants`),
reading images safely and rendering variants (:mod:`.processing`: accepted formats only,
decompression bombs refused before decoding, EXIF orientation applied, all metadata
stripped), keeping variants in storage (:mod:`.stored`: made on the first request, then
found), the :class:`Images` service with its signed links and authorized downloads
(:mod:`.service`, served by :mod:`.serve`, set up by :mod:`.extension`), making
variants ahead in a job (:mod:`.pregenerate`) and checking uploaded images
(:mod:`.checks`). Not owned here: where bytes live (``shipyard.storage``) and which
record an image belongs to (``shipyard.attachments``, whose slots declare variants).
"""

from shipyard.images.checks import ImageCheck
from shipyard.images.errors import ImageRefused
from shipyard.images.extension import ImagesExtension
from shipyard.images.pregenerate import GenerateVariants
from shipyard.images.processing import ImageFacts, inspect_image, render
from shipyard.images.service import IMAGES, Images, ImagesDep, ImageSource
from shipyard.images.stored import VARIANT_OF, delete_variants, stored_variant, stored_variants
from shipyard.images.variants import Variant, variant_key

__all__ = [
    "IMAGES",
    "VARIANT_OF",
    "GenerateVariants",
    "ImageCheck",
    "ImageFacts",
    "ImageRefused",
    "ImageSource",
    "Images",
    "ImagesDep",
    "ImagesExtension",
    "Variant",
    "delete_variants",
    "inspect_image",
    "render",
    "stored_variant",
    "stored_variants",
    "variant_key",
]

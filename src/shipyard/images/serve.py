"""The route behind variant links: ``GET <prefix>/variants/<token>``.

The token (:meth:`~.service.Images.url`) names the original and the variant; a forged,
changed or expired one is a 403. The variant is made on the first request and stored,
then sent like any stored file (:meth:`~.service.Images.download`).
"""

from __future__ import annotations

from fastapi import Request
from pydantic import ValidationError
from starlette.responses import Response

from shipyard.core.problems import HTTPProblem
from shipyard.images.service import IMAGES
from shipyard.images.variants import Variant
from shipyard.storage import StorageError


async def serve_variant(request: Request, token: str) -> Response:
    """The variant a signed link names."""
    images = IMAGES.get(request.app)
    try:
        grant = images.signer.verify(token)
        variant = Variant.model_validate(grant.extra.get("v"))
    except StorageError as error:
        raise HTTPProblem(error.status, detail=error.message) from None
    except ValidationError:
        raise HTTPProblem(403, detail="this image link is not valid") from None
    return await images.download(request, grant, variant)

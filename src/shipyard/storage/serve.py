"""The route that serves local-storage files behind their signed links.

``GET <prefix>/files/<token>`` checks the token (forged, changed or expired: 403), then
sends the file (:func:`~shipyard.storage.responses.file_response`: safe headers, ranges),
cached privately until the link expires.
"""

from __future__ import annotations

import time

from fastapi import Request
from starlette.responses import StreamingResponse

from shipyard.core.problems import HTTPProblem
from shipyard.storage.errors import StorageError
from shipyard.storage.local import LocalStorage
from shipyard.storage.responses import file_response
from shipyard.storage.service import STORAGE


async def serve_file(request: Request, token: str) -> StreamingResponse:
    """The file a signed local-storage link names."""
    storage = STORAGE.get(request.app)
    if not isinstance(storage, LocalStorage):
        raise HTTPProblem(404, detail="Files are not served by this app.")
    try:
        grant = storage.signer.verify(token)
    except StorageError as error:
        raise HTTPProblem(error.status, detail=error.message) from None
    max_age = max(0, grant.expires - int(time.time()))
    return await file_response(
        request,
        storage,
        grant.key,
        filename=grant.filename,
        inline=grant.inline,
        cache_control=f"private, max-age={max_age}",
    )

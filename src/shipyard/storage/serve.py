"""The routes of local-storage files behind their signed links.

``GET <prefix>/files/<token>`` checks the token (forged, changed or expired: 403), then
sends the file (:func:`~shipyard.storage.responses.file_response`: safe headers, ranges),
cached privately until the link expires. ``PUT <prefix>/uploads/<token>`` receives a
direct upload (:meth:`~shipyard.storage.local.LocalStorage.receive`): 201, or the
problem that refused it. The token is its credential; a browser's PUT carries the
session cookie too, so it is CSRF-checked like any same-site request (the drop zone
sends the token to its own site, never to S3 or Azure).
"""

from __future__ import annotations

import time

from fastapi import Request
from starlette.responses import Response, StreamingResponse

from shipyard.core.problems import HTTPProblem
from shipyard.storage.errors import StorageError
from shipyard.storage.local import LocalStorage
from shipyard.storage.responses import file_response
from shipyard.storage.service import STORAGE


def _local(request: Request) -> LocalStorage:
    storage = STORAGE.get(request.app)
    if not isinstance(storage, LocalStorage):
        raise HTTPProblem(404, detail="Files are not served by this app.")
    return storage


async def serve_file(request: Request, token: str) -> StreamingResponse:
    """The file a signed local-storage link names."""
    storage = _local(request)
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


async def receive_file(request: Request, token: str) -> Response:
    """Store the body of a direct upload that a signed local-storage link allows."""
    storage = _local(request)
    try:
        await storage.receive(token, request.stream())
    except StorageError as error:
        raise HTTPProblem(error.status, detail=error.message) from None
    return Response(status_code=201)

"""The route that serves local-storage files behind their signed links.

``GET <prefix>/files/<token>`` checks the token (forged, changed or expired: 403), then
streams the file with its stored type, ``Content-Length``, a safe ``Content-Disposition``
(inline only for types a browser cannot run, see :mod:`.disposition`), ``nosniff`` and a
sandboxing CSP, cached privately until the link expires. A ``Range`` request gets the
one range it asks for (206, or 416 past the end; see :mod:`.ranges`), so a video seeks
and a broken download resumes.
"""

from __future__ import annotations

import time

from fastapi import Request
from starlette.responses import StreamingResponse

from shipyard.core.problems import HTTPProblem
from shipyard.storage.disposition import can_show_inline, content_disposition
from shipyard.storage.errors import StorageError
from shipyard.storage.local import LocalStorage
from shipyard.storage.ranges import RangeNotSatisfiable, requested_range
from shipyard.storage.service import STORAGE


async def serve_file(request: Request, token: str) -> StreamingResponse:
    """The file a signed local-storage link names."""
    storage = STORAGE.get(request.app)
    if not isinstance(storage, LocalStorage):
        raise HTTPProblem(404, detail="Files are not served by this app.")
    try:
        grant = storage.signer.verify(token)
        stored = await storage.info(grant.key)
    except StorageError as error:
        raise HTTPProblem(error.status, detail=error.message) from None
    inline = grant.inline and can_show_inline(stored.content_type)
    max_age = max(0, grant.expires - int(time.time()))
    etag = f'"{stored.checksum}"'
    headers = {
        "Accept-Ranges": "bytes",
        "Content-Disposition": content_disposition(grant.filename, inline=inline),
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "default-src 'none'; sandbox",
        "Cache-Control": f"private, max-age={max_age}",
        "ETag": etag,
    }
    try:
        wanted = requested_range(request.headers, stored.size, etag)
    except RangeNotSatisfiable:
        raise HTTPProblem(
            416,
            detail=f"The range starts past the end of the file ({stored.size} bytes).",
            headers={"Content-Range": f"bytes */{stored.size}"},
        ) from None
    if wanted is None:
        body = storage.stream(grant.key)
        headers["Content-Length"] = str(stored.size)
        status = 200
    else:
        body = storage.stream_range(grant.key, wanted.start, wanted.length)
        headers["Content-Length"] = str(wanted.length)
        headers["Content-Range"] = wanted.content_range
        status = 206
    return StreamingResponse(
        body, status_code=status, media_type=stored.content_type, headers=headers
    )

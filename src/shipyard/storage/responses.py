"""Responses that send a stored file: the signed-link route's, and :func:`download`'s.

:func:`file_response` streams a local file with its stored type, a safe
``Content-Disposition`` (inline only for types a browser cannot run, see
:mod:`.disposition`), ``nosniff``, a sandboxing CSP, its ``ETag`` and ``Range`` support
(:mod:`.ranges`: 206, or 416 past the end), so a video seeks and a broken download
resumes.

:func:`download` is for a route that has checked the caller's right to a file (a policy,
an owner check): on local disk the route streams it itself, never cached by a shared
cache; on S3 and Azure it answers **303** to a signed URL that lives
:data:`DOWNLOAD_SECONDS`, so the bytes go from the store to the browser, not through the
app.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response, StreamingResponse

from shipyard.core.problems import HTTPProblem
from shipyard.storage.base import Storage
from shipyard.storage.disposition import can_show_inline, content_disposition
from shipyard.storage.errors import StorageError
from shipyard.storage.local import LocalStorage
from shipyard.storage.ranges import RangeNotSatisfiable, requested_range

DOWNLOAD_SECONDS = 60
"""How long the signed URL a :func:`download` redirects to lives."""


async def file_response(
    request: Request,
    storage: LocalStorage,
    key: str,
    *,
    filename: str | None,
    inline: bool,
    cache_control: str,
) -> StreamingResponse:
    """``key``'s bytes (or the range the request asks for) with safe headers."""
    try:
        stored = await storage.info(key)
    except StorageError as error:
        raise HTTPProblem(error.status, detail=error.message) from None
    shown = inline and can_show_inline(stored.content_type)
    etag = f'"{stored.checksum}"'
    headers = {
        "Accept-Ranges": "bytes",
        "Content-Disposition": content_disposition(filename, inline=shown),
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "default-src 'none'; sandbox",
        "Cache-Control": cache_control,
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
        headers["Content-Length"] = str(stored.size)
        return StreamingResponse(
            storage.stream(key), media_type=stored.content_type, headers=headers
        )
    headers["Content-Length"] = str(wanted.length)
    headers["Content-Range"] = wanted.content_range
    return StreamingResponse(
        storage.stream_range(key, wanted.start, wanted.length),
        status_code=206,
        media_type=stored.content_type,
        headers=headers,
    )


async def download(
    request: Request,
    storage: Storage,
    key: str,
    *,
    filename: str | None = None,
    inline: bool = False,
) -> Response:
    """Send ``key`` to a caller the route has authorized (see the module)."""
    if isinstance(storage, LocalStorage):
        return await file_response(
            request,
            storage,
            key,
            filename=filename,
            inline=inline,
            cache_control="private, no-cache",
        )
    url = await storage.url(key, expires_in=DOWNLOAD_SECONDS, filename=filename, inline=inline)
    return RedirectResponse(url, status_code=303, headers={"Cache-Control": "no-store"})

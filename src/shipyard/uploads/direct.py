"""Direct uploads: the browser sends a file straight to the store, the app checks it after.

Rails' direct uploads, in three steps, with the checks of a multipart upload at the end:

1. ``POST <uploads prefix>/direct`` with JSON ``filename``, ``byte_size``, ``checksum``
   (base64 MD5 or SHA-256) and ``content_type`` (CSRF-checked like any request with the
   session cookie). The app creates a *pending* blob (a key it generates, its checksum
   empty until confirmed, due for the purge job after ``uploads.direct_confirm_within``
   seconds) and answers its signed id and the request to send the bytes with
   (:meth:`~shipyard.storage.Storage.presign_upload`): S3, Azure, or the app itself on
   local disk.
2. The client sends the bytes there.
3. The form that uses the file submits the signed id, and its route calls
   :func:`confirm_upload`: the id must be genuine, unexpired, the caller's (the user, or
   the browser session when nobody is logged in) and still pending. The object is read
   back from the store into a temporary file (never past the declared size); its size
   and checksum must be those declared, its type is decided from its bytes (a declared
   type that differs is refused), then it is validated and scanned like a multipart
   upload (:meth:`~.dependency.Upload.check`). Only then is the blob confirmed, and the
   route may attach it. A refused upload's object and row are deleted.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import tempfile
from datetime import timedelta
from typing import Any, BinaryIO

from anyio import to_thread
from fastapi import Request
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from pydantic import BaseModel, Field
from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from shipyard.attachments.blobs import insert_blob
from shipyard.attachments.tables import Blob, blobs_table
from shipyard.auth.deps import optional_user
from shipyard.core.clock import utc_now
from shipyard.db import DbSession
from shipyard.sessions.session import get_session
from shipyard.storage import STORAGE, InvalidObject, ObjectNotFound, Storage, new_key
from shipyard.storage.objects import check_content_type
from shipyard.storage.presign import Checksum
from shipyard.uploads.dependency import Upload
from shipyard.uploads.detect import BINARY
from shipyard.uploads.errors import UploadRefused
from shipyard.uploads.filenames import safe_filename
from shipyard.uploads.files import UploadedFile
from shipyard.uploads.progress import UploadProgress
from shipyard.uploads.sizes import human_size

SALT = "shipyard.uploads.direct.v1"
PENDING = "direct_upload"
"""The metadata entry of a pending blob: who may confirm it, and the declared checksum."""
_INVALID = "This upload is not valid (used already, or not yours); upload the file again."


class DirectUploadRequest(BaseModel):
    """What a client declares before it sends a file to the store."""

    filename: str = Field(min_length=1, max_length=1000)
    byte_size: int = Field(ge=0)
    checksum: str = Field(min_length=1, max_length=64)
    content_type: str = Field(default=BINARY, min_length=1, max_length=255)


class DirectUploadTarget(BaseModel):
    """Where the client sends the bytes, and the id its form submits afterwards."""

    signed_id: str
    url: str
    method: str
    headers: dict[str, str]


def _signer(request: Request) -> URLSafeTimedSerializer:
    secret = request.app.settings.app.secret_key.get_secret_value()
    return URLSafeTimedSerializer(
        secret, salt=SALT, signer_kwargs={"digest_method": hashlib.sha256}
    )


async def uploader(request: Request) -> str:
    """Who is uploading: the logged-in user, else (a hash of) the browser's session id."""
    identity = await optional_user(request)
    if identity is not None:
        return f"user:{identity.user.id}"
    session_id = get_session(request).id
    return "session:" + hashlib.sha256(session_id.encode()).hexdigest()[:32]


async def create_direct_upload(
    request: Request, declared: DirectUploadRequest, session: DbSession
) -> DirectUploadTarget:
    """Step 1: a pending blob for the file ``declared``, and where to send its bytes."""
    settings = request.app.settings.uploads
    if declared.byte_size > settings.max_file_size:
        raise _too_large(declared.filename[:80], declared.byte_size, settings.max_file_size)
    try:
        checksum = Checksum.parse(declared.checksum)
        content_type = check_content_type(declared.content_type)
    except InvalidObject as error:
        raise UploadRefused(422, error.message) from None
    storage = STORAGE.get(request.app)
    pending = Blob(
        id=0,
        key=new_key(),
        filename=safe_filename(declared.filename)[:255],
        content_type=content_type,
        byte_size=declared.byte_size,
        checksum="",
        created_at=utc_now(),
        metadata={PENDING: {"owner": await uploader(request), "checksum": checksum.base64}},
        backend=storage.name,
    )
    deadline = pending.created_at + timedelta(seconds=settings.direct_confirm_within)
    blob = await insert_blob(session, pending, purge_after=deadline)
    target = await storage.presign_upload(
        blob.key,
        size=blob.byte_size,
        content_type=content_type,
        checksum=checksum,
        expires_in=settings.direct_url_expires,
    )
    return DirectUploadTarget(
        signed_id=_signer(request).dumps(blob.id),
        url=target.url,
        method=target.method,
        headers=target.headers,
    )


async def confirm_upload(
    request: Request,
    session: AsyncSession,
    signed_id: str,
    *,
    upload: Upload | None = None,
    field: str = "file",
) -> Blob:
    """Step 3: the checked, confirmed blob of ``signed_id``, ready to attach.

    ``upload`` holds the rules (``types``, ``max_size``, ``allow_empty``, ``validate``,
    ``scan``) as for a multipart upload; :class:`UploadRefused` (field ``field``) when
    the id or the file is refused, after deleting the file.
    """
    rules = upload or Upload()
    blob = await _pending(request, session, signed_id, field)
    storage = STORAGE.get(request.app)
    try:
        checked = await _check(request, storage, blob, rules, field)
    except UploadRefused:
        await storage.delete(blob.key)
        await session.execute(delete(blobs_table).where(blobs_table.c.id == blob.id))
        raise
    claimed = await session.execute(
        update(blobs_table)
        .where(blobs_table.c.id == blob.id, blobs_table.c.checksum == "")
        .values(
            content_type=checked.content_type,
            checksum=checked.checksum,
            metadata={},
            purge_after=None,
        )
    )
    if getattr(claimed, "rowcount", 0) != 1:  # confirmed meanwhile by another request
        raise UploadRefused(422, _INVALID, field=field)
    return checked


async def _pending(request: Request, session: AsyncSession, signed_id: str, field: str) -> Blob:
    """The pending blob ``signed_id`` names, if the caller may confirm it."""
    settings = request.app.settings.uploads
    try:
        blob_id = _signer(request).loads(signed_id, max_age=settings.direct_confirm_within)
    except SignatureExpired:
        raise UploadRefused(
            422, "This upload has expired; upload the file again.", field=field
        ) from None
    except BadSignature:
        raise UploadRefused(422, _INVALID, field=field) from None
    row = (await session.execute(select(blobs_table).where(blobs_table.c.id == blob_id))).first()
    blob = Blob.from_row(row) if row is not None else None
    pending: Any = blob.metadata.get(PENDING) if blob is not None else None
    if (
        blob is None
        or blob.checksum
        or not isinstance(pending, dict)
        or pending.get("owner") != await uploader(request)
    ):
        raise UploadRefused(422, _INVALID, field=field)
    return blob


async def _check(request: Request, storage: Storage, blob: Blob, rules: Upload, field: str) -> Blob:
    """``blob`` as its stored bytes show it, or :class:`UploadRefused`."""
    name = blob.filename
    limits = rules.limits(request)
    if blob.byte_size > limits.max_file_size:
        raise _too_large(name, blob.byte_size, limits.max_file_size, field)
    declared = Checksum.parse(blob.metadata[PENDING]["checksum"])
    file: BinaryIO = tempfile.TemporaryFile(dir=limits.temp_dir)  # noqa: SIM115
    try:
        digest = await _fetch(storage, blob, declared, file, field)
        if digest != declared.digest:
            raise UploadRefused(422, f"{name} does not match its checksum.", field=field)
        read = functools.partial(UploadedFile.from_local, file, name, field=field)
        received = await to_thread.run_sync(read)
        claimed = blob.content_type.split(";")[0].strip().lower()
        if claimed not in {received.content_type, BINARY}:
            raise UploadRefused(
                422,
                f"{name} is {received.content_type}, not the {claimed} it was declared as.",
                field=field,
            )
        await rules.check(request, [received], UploadProgress(None, None, None, 0))
        return dataclasses.replace(
            blob, content_type=received.content_type, checksum=received.sha256, metadata={}
        )
    finally:
        file.close()


async def _fetch(
    storage: Storage, blob: Blob, declared: Checksum, file: BinaryIO, field: str
) -> bytes:
    """Copy ``blob``'s object into ``file``; the digest of the declared algorithm."""
    hasher = declared.hasher()
    size = 0
    try:
        async for chunk in storage.stream(blob.key):
            size += len(chunk)
            if size > blob.byte_size:
                raise UploadRefused(
                    422, f"{blob.filename} is larger than it was declared.", field=field
                )
            hasher.update(chunk)
            await to_thread.run_sync(file.write, chunk)
    except ObjectNotFound:
        raise UploadRefused(422, f"{blob.filename} was not uploaded.", field=field) from None
    if size != blob.byte_size:
        raise UploadRefused(422, f"{blob.filename} is smaller than it was declared.", field=field)
    return hasher.digest()


def _too_large(name: str, size: int, limit: int, field: str | None = None) -> UploadRefused:
    return UploadRefused(
        413, f"{name} is {human_size(size)}; the limit is {human_size(limit)}.", field=field
    )

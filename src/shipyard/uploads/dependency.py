"""The upload pipeline as a FastAPI dependency: :class:`Upload` gives a route :class:`Uploads`.

::

    PhotosDep = Annotated[Uploads, Depends(Upload(max_size="10MB", max_files=3,
                                                  types=["image/png", "image/jpeg"]))]

    @router.post("/photos", max_body_size=parse_size("30MB"))
    async def add_photos(uploads: PhotosDep) -> dict[str, str]:
        return {f.filename: f.sha256 for f in uploads.files}

One request goes: stream in and spool (:mod:`.parser`, with progress), check each file
(:meth:`UploadedFile.validate`: magic-number type, structure), scan each with ClamAV
(:mod:`.scan`, when ``uploads.clamd`` is set), hand the route its files, then delete
them once the response is sent. A refusal is an :class:`UploadRefused` (a problem
response; a form shows it inline, see :func:`shipyard.forms.form_of`'s ``uploads``).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import AsyncIterator, Callable, Iterable

import anyio.to_thread
from starlette.datastructures import FormData
from starlette.requests import Request

from shipyard.config.models import Settings
from shipyard.uploads.errors import UploadRefused
from shipyard.uploads.files import UploadedFile
from shipyard.uploads.limits import UploadLimits
from shipyard.uploads.parser import read_upload
from shipyard.uploads.progress import UploadProgress
from shipyard.uploads.scan import Clamd, ScannerUnavailable, scanner_down_policy
from shipyard.uploads.sizes import parse_size

logger = logging.getLogger("shipyard.uploads")

FileCheck = Callable[[UploadedFile, Settings], None]
"""A check of one received file: raises :class:`UploadRefused` to refuse it (run in a
worker thread, after the type and structure checks); ``shipyard.images.ImageCheck`` is one."""


class Uploads:
    """What one upload request brought: its fields and checked files, on disk."""

    def __init__(self, form: FormData, progress: UploadProgress) -> None:
        self.form = form
        self.progress = progress
        self.files = [value for _, value in form.multi_items() if isinstance(value, UploadedFile)]

    def file(self, name: str) -> UploadedFile | None:
        """The (last) file sent under field ``name``, None if none was."""
        found = [file for file in self.files if file.field == name]
        return found[-1] if found else None

    def field(self, name: str, default: str | None = None) -> str | None:
        """The (last) text value sent under ``name``."""
        value = self.form.get(name)
        return value if isinstance(value, str) else default

    async def close(self) -> None:
        """Delete the files (done for you after the response)."""
        await self.form.close()


class Upload:
    """A dependency that receives, checks and scans a multipart upload.

    Limits not given are the ``uploads`` settings. ``types`` (``image/*`` patterns
    allowed), ``max_size`` and ``checks`` (each a :data:`FileCheck`) apply to every
    file; ``validate=False`` skips the content checks (the type is still detected),
    ``scan=False`` the virus scan.
    """

    def __init__(
        self,
        *,
        max_size: int | str | None = None,
        max_request_size: int | str | None = None,
        max_files: int | None = None,
        max_fields: int | None = None,
        max_field_size: int | str | None = None,
        types: Iterable[str] | None = None,
        allow_empty: bool = False,
        validate: bool = True,
        scan: bool = True,
        checks: Iterable[FileCheck] = (),
    ) -> None:
        for size in (max_size, max_request_size, max_field_size):
            if size is not None:
                parse_size(size)  # a bad size fails when the route is defined
        self._narrow = functools.partial(
            UploadLimits.narrowed,
            max_size=max_size,
            max_request_size=max_request_size,
            max_files=max_files,
            max_fields=max_fields,
            max_field_size=max_field_size,
        )
        self.types = list(types) if types is not None else None
        self.allow_empty = allow_empty
        self.validate = validate
        self.scan = scan
        self.checks = list(checks)

    def limits(self, request: Request) -> UploadLimits:
        """The limits for ``request``: the settings narrowed by this route's."""
        app = request.app
        return self._narrow(UploadLimits.from_settings(app.settings.uploads, app.root))

    async def receive(self, request: Request) -> Uploads:
        """Read, check and scan ``request``'s upload; :class:`UploadRefused` if refused."""
        settings = request.app.settings
        progress = UploadProgress.of(request, settings.uploads.progress_interval)
        try:
            form = await read_upload(request, self.limits(request), progress=progress.receiving)
        except UploadRefused as exc:
            await progress.state("failed", message=exc.detail)
            raise
        uploads = Uploads(form, progress)
        try:
            await self.check(request, uploads.files, progress)
        except BaseException as exc:
            await uploads.close()
            if isinstance(exc, UploadRefused):
                await progress.state("failed", message=exc.detail)
            raise
        await progress.state("processing")
        return uploads

    async def check(
        self, request: Request, files: list[UploadedFile], progress: UploadProgress
    ) -> None:
        """Validate (unless ``validate=False``) and scan (unless ``scan=False``) ``files``
        received for ``request``; :class:`UploadRefused` for the first one refused."""
        if self.validate:
            for file in files:  # reads the file's ends (images: all of it)
                check = functools.partial(
                    file.validate, types=self.types, allow_empty=self.allow_empty
                )
                await anyio.to_thread.run_sync(check)
                for extra in self.checks:
                    await anyio.to_thread.run_sync(extra, file, request.app.settings)
        scanner = Clamd.configured(request.app.settings.uploads) if self.scan else None
        if scanner is not None and files:
            await progress.state("scanning")
            await self._scan(request, scanner, files)

    async def _scan(self, request: Request, scanner: Clamd, files: list[UploadedFile]) -> None:
        for file in files:
            try:
                result = await scanner.scan(file.file)
            except ScannerUnavailable as exc:
                if scanner_down_policy(request.app.settings) == "allow":
                    logger.warning("upload %r not scanned: %s", file.filename, exc)
                    continue
                logger.error("upload %r refused unscanned: %s", file.filename, exc)
                raise UploadRefused(
                    503,
                    "Uploads cannot be checked for viruses right now; try again later.",
                    field=file.field,
                ) from exc
            if not result.clean:
                logger.warning(
                    "upload %r (sha256 %s, %s bytes) refused: ClamAV found %s",
                    file.filename,
                    file.sha256,
                    file.size,
                    result.signature,
                )
                raise UploadRefused(
                    422,
                    f"{file.filename} was refused: the virus scan found {result.signature}.",
                    field=file.field,
                )
            file.scanned = True

    async def __call__(self, request: Request) -> AsyncIterator[Uploads]:
        uploads = await self.receive(request)
        try:
            yield uploads
            await uploads.progress.state("done")
        finally:
            await uploads.close()

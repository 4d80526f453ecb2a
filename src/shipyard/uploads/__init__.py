"""Uploads: multipart bodies streamed to disk, checked by their bytes, scanned, with progress.

Owns the streaming parser and its limits (:mod:`.parser`, :mod:`.limits`, the
``uploads`` settings), :class:`UploadedFile` (:mod:`.files`; safe names in
:mod:`.filenames`), type detection from magic numbers and structure checks
(:mod:`.detect`), ClamAV scanning (:mod:`.scan`), live progress over the realtime
broker (:mod:`.progress`, :mod:`.extension`), the :class:`Upload` dependency
(:mod:`.dependency`), direct uploads to the store, checked afterwards (:mod:`.direct`),
and the drop zone (``templates/uploads/dropzone.html`` and
``static/shipyard/uploads/dropzone.js``). Not owned here: where files go afterwards
(``shipyard.storage``) and form rendering (``shipyard.forms``, which reads upload forms
through :class:`Upload`).
"""

from shipyard.uploads.dependency import Upload, Uploads
from shipyard.uploads.direct import confirm_upload
from shipyard.uploads.errors import UploadRefused
from shipyard.uploads.extension import UploadsExtension
from shipyard.uploads.filenames import safe_filename
from shipyard.uploads.files import UploadedFile
from shipyard.uploads.limits import UploadLimits
from shipyard.uploads.parser import read_upload
from shipyard.uploads.progress import UploadProgress, progress_channel
from shipyard.uploads.scan import Clamd, ScannerUnavailable, ScanResult
from shipyard.uploads.sizes import human_size, parse_size

__all__ = [
    "Clamd",
    "ScanResult",
    "ScannerUnavailable",
    "Upload",
    "UploadLimits",
    "UploadProgress",
    "UploadRefused",
    "UploadedFile",
    "Uploads",
    "UploadsExtension",
    "confirm_upload",
    "human_size",
    "parse_size",
    "progress_channel",
    "read_upload",
    "safe_filename",
]

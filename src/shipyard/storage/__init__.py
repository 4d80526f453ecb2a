"""Storage: where files live once accepted, behind one interface.

Owns the :class:`Storage` interface (:mod:`.base`) and its backends: local disk, the
default (:mod:`.local`, its signed links served by :mod:`.serve`), Amazon S3 and
S3-compatible stores (:mod:`.s3`, boto3) and Azure Blob Storage (:mod:`.azure`,
azure-storage-blob); the keys the framework generates (:mod:`.keys`; no key is ever a
path someone chose), presigned direct uploads (:mod:`.presign`), the ``storage``
settings' choice of backend (:mod:`.factory`) and the app's store as a service
(:mod:`.service`, :mod:`.extension`). Not owned here: receiving uploads
(``shipyard.uploads``) and which record a file belongs to (``shipyard.attachments``).
"""

from shipyard.storage.base import Storage
from shipyard.storage.disposition import content_disposition
from shipyard.storage.errors import InvalidKey, InvalidObject, ObjectNotFound, StorageError
from shipyard.storage.extension import StorageExtension
from shipyard.storage.factory import storage_from_settings
from shipyard.storage.keys import check_key, derived_key, family_prefix, new_key
from shipyard.storage.local import LocalStorage
from shipyard.storage.objects import StoredObject
from shipyard.storage.presign import Checksum, UploadTarget
from shipyard.storage.responses import DOWNLOAD_SECONDS, download
from shipyard.storage.service import STORAGE, StorageDep
from shipyard.storage.signing import BadLink, ExpiredLink, UrlSigner
from shipyard.storage.sources import Source, TooLarge

__all__ = [
    "DOWNLOAD_SECONDS",
    "STORAGE",
    "BadLink",
    "Checksum",
    "ExpiredLink",
    "InvalidKey",
    "InvalidObject",
    "LocalStorage",
    "ObjectNotFound",
    "Source",
    "Storage",
    "StorageDep",
    "StorageError",
    "StorageExtension",
    "StoredObject",
    "TooLarge",
    "UploadTarget",
    "UrlSigner",
    "check_key",
    "content_disposition",
    "derived_key",
    "download",
    "family_prefix",
    "new_key",
    "storage_from_settings",
]

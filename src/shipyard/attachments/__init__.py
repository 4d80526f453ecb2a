"""Attachments: files on records, as Rails' Active Storage does it.

Owns the ``shipyard_blobs`` table (one row per stored file: key, filename, type, size,
checksum, metadata) and ``shipyard_attachments`` (which slot of which record holds it),
in :mod:`.tables` with their migration branch; the :class:`Attachment` and
:class:`Attachments` slots (:mod:`.fields`); purging the files of deleted records
through a job (:mod:`.lifecycle`, :mod:`.purge`), finding orphans (:mod:`.orphans`) and
the images whose slots declare variants (:mod:`.variants`).
Not owned here: where bytes are kept (``shipyard.storage``) and receiving uploads
(``shipyard.uploads``: any :class:`~shipyard.uploads.UploadedFile` can be attached).
"""

from shipyard.attachments.blobs import (
    AttachableFile,
    blob_download,
    blob_url,
    create_blob,
    purge_due,
)
from shipyard.attachments.extension import AttachmentsExtension
from shipyard.attachments.fields import (
    AttachedMany,
    AttachedOne,
    Attachment,
    Attachments,
)
from shipyard.attachments.orphans import Orphans, delete_orphans, find_orphans
from shipyard.attachments.purge import PurgeBlobs
from shipyard.attachments.tables import ATTACHMENT_MIGRATIONS, Blob

__all__ = [
    "ATTACHMENT_MIGRATIONS",
    "AttachableFile",
    "AttachedMany",
    "AttachedOne",
    "Attachment",
    "Attachments",
    "AttachmentsExtension",
    "Blob",
    "Orphans",
    "PurgeBlobs",
    "blob_download",
    "blob_url",
    "create_blob",
    "delete_orphans",
    "find_orphans",
    "purge_due",
]

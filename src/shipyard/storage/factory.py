"""The store the settings choose: :func:`storage_from_settings`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from shipyard.config.models import Settings
from shipyard.errors import ShipyardError
from shipyard.storage.base import Storage
from shipyard.storage.local import LocalStorage
from shipyard.storage.signing import UrlSigner

DEFAULT_PREFIX = "/storage"


def storage_from_settings(
    settings: Settings, root: Path, *, url_prefix: str = DEFAULT_PREFIX
) -> Storage:
    """The ``storage.backend`` of ``settings``; a local root is relative to the app's ``root``.

    ``url_prefix`` is where the storage extension serves local files' signed links (and
    receives their direct uploads).
    """
    section = settings.storage
    options: dict[str, Any] = {
        "url_expires": section.url_expires,
        "multipart_threshold": section.multipart_threshold,
        "part_size": section.part_size,
    }
    if section.backend == "s3":
        from shipyard.storage.s3 import S3Storage

        s3 = section.s3
        if not s3.bucket:
            raise ShipyardError(
                "storage.backend is s3 but storage.s3.bucket is not set",
                hint='set storage.s3.bucket = "my-bucket" (SHIPYARD_STORAGE__S3__BUCKET)',
            )
        secret = s3.secret_access_key
        return S3Storage(
            s3.bucket,
            prefix=s3.prefix,
            region=s3.region,
            endpoint_url=s3.endpoint_url,
            access_key_id=s3.access_key_id,
            secret_access_key=secret.get_secret_value() if secret else None,
            addressing_style=s3.addressing_style,
            **options,
        )
    if section.backend == "azure":
        from shipyard.storage.azure import AzureStorage

        azure = section.azure
        if azure.connection_string is None or not azure.container:
            raise ShipyardError(
                "storage.backend is azure but storage.azure.connection_string or "
                "storage.azure.container is not set",
                hint="set both (SHIPYARD_STORAGE__AZURE__CONNECTION_STRING, ...__CONTAINER)",
            )
        return AzureStorage(
            azure.connection_string.get_secret_value(),
            azure.container,
            prefix=azure.prefix,
            **options,
        )
    base = f"{(settings.app.base_url or '').rstrip('/')}{url_prefix.rstrip('/')}"
    return LocalStorage(
        root / section.root,
        signer=UrlSigner(settings.app.secret_key.get_secret_value()),
        url_prefix=f"{base}/files",
        upload_prefix=f"{base}/uploads",
        **options,
    )

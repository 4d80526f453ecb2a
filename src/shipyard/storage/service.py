"""The app's store as a typed service: ``STORAGE.get(app)``, ``StorageDep`` in routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from shipyard.core.services import Service
from shipyard.storage.base import Storage

STORAGE = Service(
    "storage",
    Storage,  # type: ignore[type-abstract]  # any concrete backend
    "file storage",
    started_by="the storage extension (StorageExtension)",
)

StorageDep = Annotated[Storage, Depends(STORAGE.dependency)]

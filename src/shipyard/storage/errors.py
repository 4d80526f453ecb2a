"""What storage raises: a bad key, a missing object, a store that cannot be reached."""

from __future__ import annotations

from shipyard.errors import ShipyardError


class StorageError(ShipyardError):
    """A storage problem; ``status`` is the HTTP status it maps to when a request caused it."""

    status: int = 500


class InvalidKey(StorageError):
    """A key that the framework did not generate (so possibly a path someone chose)."""

    status = 404

    def __init__(self, key: str) -> None:
        super().__init__(
            f"{key[:80]!r} is not a storage key",
            hint="keys come from shipyard.storage.new_key() or a put(); never build one "
            "from a filename or from user input",
        )


class ObjectNotFound(StorageError):
    """No object is stored under the key."""

    status = 404

    def __init__(self, key: str) -> None:
        super().__init__(f"no stored object has the key {key!r}")
        self.key = key


class InvalidObject(StorageError):
    """A content type or metadata that cannot be stored safely."""

    status = 422

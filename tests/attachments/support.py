"""An app with files on records, for the attachments and images tests: SQLite, memory
jobs (run by ``drain()``), local storage under the test's folder unless another store is
given, no purge schedule."""

from __future__ import annotations

from pathlib import Path

from shipyard import App, Settings
from shipyard.attachments import AttachmentsExtension
from shipyard.config.models import DatabaseSettings, JobsSettings
from shipyard.extension import Extension
from shipyard.storage import LocalStorage, Storage, StorageExtension, UrlSigner
from shipyard.testing.schema import create_app_schema


def files_app(root: Path, *extensions: Extension, storage: Storage | None = None) -> App:
    """An app (not started) storing in ``storage`` (by default under ``root``),
    ``extensions`` after the storage's."""
    settings = Settings.model_validate(
        {
            "profile": "test",
            "database": DatabaseSettings(url=f"sqlite+aiosqlite:///{root}/app.db"),
            "jobs": JobsSettings(backend="memory", inline=False),
            "storage": {"root": "files"},  # where the CLI finds the files too
        }
    )
    app = App(
        settings,
        root=root,
        extensions=[
            StorageExtension(
                storage=storage or LocalStorage(root / "files", signer=UrlSigner("s" * 40))
            ),
            *extensions,
            AttachmentsExtension(purge_schedule=None),
        ],
    )
    app.on_startup(create_app_schema)
    return app

"""Settings of a test app on its own SQLite file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from shipyard import Settings


def sqlite_settings(database: Path, **sections: Any) -> Settings:
    """The ``test`` profile on the SQLite file ``database``, with ``sections`` added."""
    return Settings.model_validate(
        {"profile": "test", "database": {"url": f"sqlite+aiosqlite:///{database}"}, **sections}
    )

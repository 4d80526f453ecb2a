"""The ``cache`` section: which backend keeps cached values, for how long, under what keys."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr

from shipyard.config.sections.base import Section


class CacheSettings(Section):
    """The application cache: routes (``@cache``), functions (``@cached``), template fragments."""

    backend: Literal["memory", "redis", "database"] = Field(
        default="memory",
        description="The default backend: a bounded per-process LRU, a Redis server, or a "
        "table of the app database (shared by every process, no extra server).",
    )
    url: SecretStr | None = Field(
        default=None,
        description="Redis server of the `redis` backend (redis://host:6379/0); required "
        "when that backend is used.",
    )
    default_ttl: int = Field(
        default=300, ge=1, description="Seconds an entry lives when the caller names no ttl."
    )
    max_entries: int = Field(
        default=10_000,
        ge=1,
        description="Entries the memory backend keeps (least recently used go first).",
    )
    key_prefix: str = Field(
        default="shipyard:cache:",
        max_length=64,
        description="Prefix of every key, so several apps can share one Redis or table.",
    )
    max_entry_bytes: int = Field(
        default=1024 * 1024,
        ge=1024,
        description="Responses with a larger body are served but not cached.",
    )
    lock_timeout: float = Field(
        default=10.0,
        gt=0,
        le=300,
        description="Seconds a computation may hold the key's lock (stampede protection) "
        "before other processes compute too.",
    )

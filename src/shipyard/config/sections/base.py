"""The base class of every settings section."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Section(BaseModel):
    """Base for every settings section: strict about unknown keys, immutable once built."""

    model_config = ConfigDict(extra="forbid", frozen=True)

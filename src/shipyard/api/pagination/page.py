"""The ``Page[T]`` response model of a paginated list."""

from __future__ import annotations

from typing import Generic, TypeVar

from pydantic import BaseModel, Field

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    """One page of a list: its items and how to reach the neighbouring pages.

    ``next_cursor``/``prev_cursor`` are ``None`` when there is no such page (and always in
    offset mode, where ``offset`` is set instead); ``total`` is only counted when the
    client asked for it with ``total=true``. ``links`` (``{rel: url}``, the same as the
    ``Link`` header) is not part of the JSON body.
    """

    items: list[T]
    next_cursor: str | None = None
    prev_cursor: str | None = None
    total: int | None = None
    limit: int
    offset: int | None = None
    links: dict[str, str] = Field(default_factory=dict, exclude=True)

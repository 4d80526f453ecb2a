"""Objects derived from one settings snapshot, rebuilt only when the settings change.

Middleware turns settings into ready-to-use forms (encoded headers, a cookie signer) once,
not per request; hot reload and ``override_settings`` swap the settings object, which
makes the next call rebuild.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

from shipyard.config.models import Settings

T = TypeVar("T")


class PerSettings(Generic[T]):
    """``derived(settings)`` builds with ``build`` on the first call for each snapshot."""

    def __init__(self, build: Callable[[Settings], T]) -> None:
        self._build = build
        self._cached: tuple[Settings, T] | None = None

    def __call__(self, settings: Settings) -> T:
        cached = self._cached
        if cached is None or cached[0] is not settings:
            cached = self._cached = (settings, self._build(settings))
        return cached[1]

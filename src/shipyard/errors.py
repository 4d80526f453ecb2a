"""The error type every Shipyard subsystem raises for problems a user must fix.

A :class:`ShipyardError` carries one clear sentence (what is wrong, where it came from)
and an optional hint (how to fix it). The CLI prints it on one line and exits non-zero;
it never shows a traceback for one.
"""

from __future__ import annotations


class ShipyardError(Exception):
    """A problem the user can fix: bad configuration, unreachable server, bad argument."""

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} ({self.hint})" if self.hint else self.message

"""Collecting list-query mistakes and reporting them as one 400 problem document.

Every parameter is checked and every mistake recorded, so a client learns about all of
them at once. Each entry in the problem's ``errors`` list names the query parameter
(``loc``/``field``), says what is wrong (``msg``, ``type``) and, where it helps, lists what
is allowed (``allowed``). Echoed input is cut short so a huge value never comes back.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from shipyard.core.problems import HTTPProblem, register_problem_type

PROBLEM_TYPE = register_problem_type(
    "invalid-list-query", 400, "Invalid list query", description="Sort, filter or fields refused."
)
"""The ``type`` URI of the 400 problem for an invalid sort, filter, field or parameter."""

ECHO_LIMIT = 40


def cut(value: str) -> str:
    """``value`` cut to at most ``ECHO_LIMIT`` characters (``...`` marks a cut)."""
    return value if len(value) <= ECHO_LIMIT else value[:ECHO_LIMIT] + "..."


def shorten(value: str) -> str:
    """``value`` cut short and quoted, for echoing in a message."""
    return repr(cut(value))


@dataclass
class QueryErrors:
    """Accumulates field-level errors; :meth:`raise_if_any` turns them into a 400 problem."""

    entries: list[dict[str, Any]] = field(default_factory=list)

    def add(self, param: str, msg: str, *, kind: str, allowed: Sequence[str] | None = None) -> None:
        entry: dict[str, Any] = {
            "loc": ["query", cut(param)],
            "field": cut(param),
            "msg": msg,
            "type": kind,
        }
        if allowed is not None:
            entry["allowed"] = list(allowed)
        self.entries.append(entry)

    def raise_if_any(self) -> None:
        if not self.entries:
            return
        count = len(self.entries)
        first = self.entries[0]["msg"]
        detail = first if count == 1 else f"{first} (and {count - 1} more)"
        raise HTTPProblem(
            400,
            "Invalid list query",
            detail,
            type=PROBLEM_TYPE.slug,
            extra={"errors": self.entries},
        )

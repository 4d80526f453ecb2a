"""Turning pydantic's ValidationError into :class:`Problem` lines that say where values came from.

Each error gets the dotted key, the source of the offending value (file:line, variable,
secret file...), pydantic's explanation and, for unknown keys, the closest valid name.
Inputs of secret-looking keys are never echoed.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from shipyard.config import schema
from shipyard.config.errors import Problem
from shipyard.config.redact import is_sensitive
from shipyard.config.sources import KeyPath, Source, dotted, lookup


def problems_from(
    error: ValidationError,
    settings_class: type[BaseModel],
    sources: Mapping[KeyPath, Source],
    root: Path,
) -> list[Problem]:
    """One problem per pydantic error, in pydantic's order."""
    return [_problem(detail, settings_class, sources, root) for detail in error.errors()]


def _problem(
    detail: ErrorDetails,
    settings_class: type[BaseModel],
    sources: Mapping[KeyPath, Source],
    root: Path,
) -> Problem:
    path: KeyPath = tuple(str(part) for part in detail["loc"])
    source = lookup(sources, path) or _first_below(sources, path)
    where = source.describe(root) if source else None
    if detail["type"] == "extra_forbidden":
        return Problem(_unknown_key(settings_class, path), key=dotted(path), source=where)
    if detail["type"] == "missing":
        return Problem("required, but no source sets it", key=dotted(path), source=where)
    message = detail["msg"]
    shown = _shown_input(detail["input"], path, source)
    if shown is not None:
        message = f"{message} (got {shown})"
    return Problem(message, key=dotted(path), source=where)


def _first_below(sources: Mapping[KeyPath, Source], path: KeyPath) -> Source | None:
    """The source of the first leaf under ``path`` (for errors about a whole table)."""
    return next((source for key, source in sources.items() if key[: len(path)] == path), None)


def _unknown_key(settings_class: type[BaseModel], path: KeyPath) -> str:
    section = schema.model_at(settings_class, path[:-1])
    if section is None:
        return "unknown key"
    valid = list(section.model_fields)
    close = difflib.get_close_matches(path[-1], valid, n=1, cutoff=0.6)
    if close:
        return f"unknown key; did you mean {dotted((*path[:-1], close[0]))!r}?"
    return f"unknown key; valid keys here: {', '.join(valid)}"


def _shown_input(value: Any, path: KeyPath, source: Source | None) -> str | None:
    if isinstance(value, dict | list):
        return None
    if is_sensitive(path) or (source is not None and source.kind in {"secrets_dir", "secret_ref"}):
        return "a hidden value"
    return repr(value)

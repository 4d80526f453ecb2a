"""Questions about the shape of a settings class: which field a key path names, and its type.

Environment variables and secrets-dir file names are case-insensitive and untyped strings;
these helpers map them onto the real field names and say when a value must be JSON.
"""

from __future__ import annotations

import types
from collections.abc import Sequence
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel

from shipyard.config.sources import KeyPath

_CONTAINERS = (list, dict, set, frozenset, tuple)


def _members(annotation: Any) -> tuple[Any, ...]:
    """The alternatives of a union (``X | None``), or the annotation itself."""
    if get_origin(annotation) in (Union, types.UnionType):
        return tuple(a for a in get_args(annotation) if a is not type(None))
    return (annotation,)


def model_of(annotation: Any) -> type[BaseModel] | None:
    """The pydantic model an annotation holds (``Section``, ``Section | None``), if any."""
    for member in _members(annotation):
        if isinstance(member, type) and issubclass(member, BaseModel):
            return member
    return None


def wants_json(annotation: Any) -> bool:
    """True when a string for this field must be parsed as JSON (lists, dicts, models)."""
    for member in _members(annotation):
        if model_of(member) is not None or member in _CONTAINERS:
            return True
        if get_origin(member) in _CONTAINERS:
            return True
    return False


def resolve(model: type[BaseModel], parts: Sequence[str]) -> tuple[KeyPath, Any] | None:
    """Map case-insensitive key parts onto field names; also return the field's annotation.

    Returns None when the first part names no field of ``model``. Parts below a field that
    is not a model (a dict, say) are kept lower-cased; unknown nested names are kept too, so
    validation reports them with a suggestion. The annotation is None for those.
    """
    first = _field_name(model, parts[0])
    if first is None:
        return None
    path: list[str] = [first]
    annotation: Any = model.model_fields[first].annotation
    for part in parts[1:]:
        section = model_of(annotation)
        name = _field_name(section, part) if section is not None else None
        if section is None or name is None:
            path.append(part.lower())
            annotation = None
        else:
            path.append(name)
            annotation = section.model_fields[name].annotation
    return tuple(path), annotation


def _field_name(model: type[BaseModel], part: str) -> str | None:
    return {name.lower(): name for name in model.model_fields}.get(part.lower())


def model_at(model: type[BaseModel], path: Sequence[str]) -> type[BaseModel] | None:
    """The section model found at ``path`` (``()`` is ``model`` itself), if there is one."""
    current: type[BaseModel] | None = model
    for part in path:
        if current is None or part not in current.model_fields:
            return None
        current = model_of(current.model_fields[part].annotation)
    return current

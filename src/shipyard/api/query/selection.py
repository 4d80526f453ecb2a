"""``?fields=id,title,author.name``: parsing, loading only what is selected, projecting.

Selected fields shape the response (:func:`project`: nested dicts for fields reached
through a join) and, on an ORM select, the SELECT itself: ``load_only`` for the model's
columns (the primary key and the sort columns are always loaded, so pagination can read
them) and one ``joinedload`` per declared join in use, so listing stays N+1-free.
Naming a join (``fields=author``) selects every selectable field under it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from pydantic import BaseModel
from sqlalchemy.orm import defaultload, joinedload, load_only
from sqlalchemy.orm.interfaces import ORMOption
from sqlalchemy.orm.strategy_options import _AbstractLoad

from shipyard.api.query.errors import QueryErrors, shorten
from shipyard.api.query.fields import NAME, Fields, ResolvedField

MAX_FIELDS_LENGTH = 1000

Tree = dict[str, Any]
"""A nested selection: ``{"id": True, "author": {"name": True}}``."""


def parse(
    raw: str, selectable: Mapping[str, ResolvedField], joins: Iterable[str], errors: QueryErrors
) -> tuple[str, ...] | None:
    """The selected field names in ``raw`` (None after recording errors)."""
    allowed = [*selectable, *(path for path in joins if _under(selectable, path))]
    allowed_text = ", ".join(allowed) or "none"
    if len(raw) > MAX_FIELDS_LENGTH:
        errors.add(
            "fields", f"fields is longer than {MAX_FIELDS_LENGTH} characters", kind="too_long"
        )
        return None
    chosen: list[str] = []
    ok = True
    for part in raw.split(","):
        name = part.strip()
        expanded = _under(selectable, name) if name and NAME.match(name) else []
        if name in selectable:
            expanded = [name]
        if not name:
            errors.add("fields", "empty field name", kind="empty", allowed=allowed)
        elif not expanded:
            errors.add(
                "fields",
                f"cannot select {shorten(name)}; selectable fields: {allowed_text}",
                kind="unknown_field",
                allowed=allowed,
            )
        elif any(item in chosen for item in expanded):
            errors.add("fields", f"{shorten(name)} is selected twice", kind="duplicate")
        else:
            chosen.extend(expanded)
            continue
        ok = False
    return tuple(chosen) if ok else None


def _under(selectable: Iterable[str], path: str) -> list[str]:
    return [name for name in selectable if name.startswith(path + ".")]


def tree(fields: Iterable[str]) -> Tree:
    """The nested selection for dotted ``fields``."""
    root: Tree = {}
    for name in fields:
        node = root
        *parents, leaf = name.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = True
    return root


def project(item: Any, fields: Iterable[str]) -> dict[str, Any]:
    """``item`` (ORM object, pydantic model or mapping) reduced to ``fields``, nested."""
    selection = tree(fields)
    if isinstance(item, BaseModel):
        dumped: dict[str, Any] = item.model_dump(include=selection)
        return dumped
    return _pick(item, selection)


def _pick(item: Any, selection: Tree) -> dict[str, Any]:
    picked: dict[str, Any] = {}
    for key, sub in selection.items():
        value = item.get(key) if isinstance(item, Mapping) else getattr(item, key)
        picked[key] = value if sub is True or value is None else _pick(value, sub)
    return picked


def load_options(
    fields: Fields,
    selected: Sequence[str],
    *,
    explicit: bool,
    always: Iterable[ResolvedField],
) -> list[ORMOption]:
    """Loader options: joinedload per join in ``selected``; load_only when ``explicit``."""
    by_join: dict[str | None, set[str]] = {}
    for name in selected:
        path, _, key = name.rpartition(".")
        by_join.setdefault(path or None, set()).add(key)
    options: list[ORMOption] = []
    if explicit:
        keys = by_join.get(None, set()) | {field.key for field in always if field.join is None}
        options.append(load_only(*(getattr(fields.model, key) for key in sorted(keys))))
    for join in fields.chain(by_join):
        option = _path_to(fields, join.path)
        keys = by_join.get(join.path, set())
        if explicit and keys:
            option = option.load_only(*(getattr(join.mapper.class_, key) for key in sorted(keys)))
        options.append(option)
    return options


def _path_to(fields: Fields, path: str) -> _AbstractLoad:
    """``defaultload(...)`` down to the parent of ``path``, then ``joinedload`` of it."""
    entity: Any = fields.model
    option: _AbstractLoad | None = None
    parts = path.split(".")
    for index, part in enumerate(parts):
        attribute = getattr(entity, part)
        last = index == len(parts) - 1
        if option is None:
            option = joinedload(attribute) if last else defaultload(attribute)
        else:
            option = option.joinedload(attribute) if last else option.defaultload(attribute)
        entity = fields.joins[".".join(parts[: index + 1])].mapper.class_
    if option is None:
        raise ValueError("a join path has at least one part")
    return option

"""Where each setting came from (:class:`Source`) and the layer-by-layer deep merge.

A :class:`Layer` is one source's raw values (nested dicts, not yet validated) plus the
:class:`Source` of every leaf. :class:`MergedLayers` stacks layers lowest first, so a
higher layer replaces the leaves it sets and keeps everything else.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

KeyPath = tuple[str, ...]

SourceKind = Literal[
    "default", "file", "env", "dotenv", "secrets_dir", "secret_ref", "argument", "override"
]


@dataclass(frozen=True)
class Source:
    """The origin of one value: a default, a TOML file line, a variable, a secret..."""

    kind: SourceKind
    path: Path | None = None
    line: int | None = None
    name: str | None = None
    via: Source | None = None

    def describe(self, root: Path | None = None) -> str:
        """A short human description, e.g. ``config/settings.toml:12``."""
        location = _display_path(self.path, root) if self.path is not None else ""
        if self.line is not None:
            location = f"{location}:{self.line}"
        match self.kind:
            case "file":
                return location
            case "env":
                return f"environment variable {self.name}"
            case "dotenv":
                return f"{location} ({self.name})"
            case "secrets_dir":
                return f"secrets dir file {location}"
            case "secret_ref":
                origin = f" (referenced in {self.via.describe(root)})" if self.via else ""
                return f"secret {self.name}{origin}"
            case "argument":
                return f"argument {self.name}"
            case "override":
                return "override_settings()"
            case _:
                return "default"


def _display_path(path: Path, root: Path | None) -> str:
    if root is not None:
        try:
            return path.relative_to(root).as_posix()
        except ValueError:
            pass
    return str(path)


def dotted(path: KeyPath) -> str:
    """``("database", "url")`` -> ``"database.url"``."""
    return ".".join(path)


def leaves(data: Mapping[str, Any], prefix: KeyPath = ()) -> Iterator[tuple[KeyPath, Any]]:
    """Every value of a nested mapping that is not a non-empty mapping, with its key path."""
    for key, value in data.items():
        path = (*prefix, str(key))
        if isinstance(value, Mapping) and value:
            yield from leaves(value, path)
        else:
            yield path, value


def lookup(sources: Mapping[KeyPath, Source], path: KeyPath) -> Source | None:
    """The source recorded for ``path`` or for its closest recorded ancestor."""
    for end in range(len(path), 0, -1):
        found = sources.get(path[:end])
        if found is not None:
            return found
    return None


@dataclass
class Layer:
    """One source's raw values and the source of each leaf."""

    data: dict[str, Any] = field(default_factory=dict)
    sources: dict[KeyPath, Source] = field(default_factory=dict)

    def set(self, path: KeyPath, value: Any, source: Source) -> None:
        """Set one leaf (creating parent tables), replacing whatever was below it."""
        node = self.data
        for part in path[:-1]:
            child = node.get(part)
            if not isinstance(child, dict):
                child = node[part] = {}
            node = child
        node[path[-1]] = value
        for known in [p for p in self.sources if p[: len(path)] == path]:
            del self.sources[known]
        self.sources[path] = source

    def get(self, path: KeyPath) -> Any:
        """The value at ``path``, or None."""
        node: Any = self.data
        for part in path:
            if not isinstance(node, dict) or part not in node:
                return None
            node = node[part]
        return node


class MergedLayers(Layer):
    """The deep merge of every layer applied so far, with per-leaf provenance."""

    def apply(self, layer: Layer) -> None:
        """Lay ``layer`` over what is there: its leaves win, the rest is kept."""
        for path, value in leaves(layer.data):
            if isinstance(value, Mapping):
                continue  # an empty table sets nothing
            self.set(path, value, lookup(layer.sources, path) or Source("default"))

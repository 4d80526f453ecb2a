"""Reading one TOML settings file into a :class:`Layer`, with the line of every key.

``tomllib`` parses; it reports no positions for keys, so :func:`key_lines` walks the
(already valid) text once more and notes the line where each key or table is written.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from shipyard.config.errors import ConfigError, Problem
from shipyard.config.sources import KeyPath, Layer, Source, leaves, lookup

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")
_AT_END = " (at end of document)"


def read_toml(path: Path, root: Path) -> Layer:
    """Parse ``path``; raise :class:`ConfigError` naming the file, line and column if invalid."""
    shown = Source("file", path=path).describe(root)
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        found = _POSITION.search(message)
        if found:
            shown = f"{shown}:{found.group(1)}:{found.group(2)}"
            message = message[: found.start()]
        elif message.endswith(_AT_END):
            last = text.split("\n")
            shown = f"{shown}:{len(last)}:{len(last[-1]) + 1}"
            message = message.removesuffix(_AT_END) + " at the end of the file"
        raise ConfigError(
            [Problem(f"invalid TOML: {message}", source=shown)],
            hint="fix the syntax at that position",
        ) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError([Problem(f"cannot read settings file: {exc}", source=shown)]) from exc
    try:
        located = key_lines(text)
    except (IndexError, ValueError):  # a construct the locator misreads: no lines, still valid
        located = {}
    lines = {key: Source("file", path=path, line=line) for key, line in located.items()}
    layer = Layer()
    for key, value in leaves(data):
        layer.set(key, value, lookup(lines, key) or Source("file", path=path))
    return layer


def key_lines(text: str) -> dict[KeyPath, int]:
    """Map each key path written in valid TOML text to its 1-based line (first occurrence)."""
    found: dict[KeyPath, int] = {}
    scanner = _ValueScanner()
    table: KeyPath = ()
    for number, line in enumerate(text.splitlines(), start=1):
        if scanner.open:
            scanner.scan(line, 0)
            continue
        stripped = line.lstrip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.startswith("["):
            start = 2 if stripped.startswith("[[") else 1
            table, _ = _parse_key(stripped, start)
            found.setdefault(table, number)
            continue
        key, end = _parse_key(stripped, 0)
        found.setdefault((*table, *key), number)
        scanner.scan(stripped, stripped.index("=", end) + 1)
    return found


def _parse_key(text: str, pos: int) -> tuple[KeyPath, int]:
    """Read a dotted key (bare or quoted parts) at ``pos``; return it and the end position."""
    parts: list[str] = []
    while True:
        while text[pos] in " \t":
            pos += 1
        if text[pos] == '"':
            end = pos + 1
            while text[end] != '"':
                end += 2 if text[end] == "\\" else 1
            parts.append(tomllib.loads(f"k = {text[pos : end + 1]}")["k"])
            pos = end + 1
        elif text[pos] == "'":
            end = text.index("'", pos + 1)
            parts.append(text[pos + 1 : end])
            pos = end + 1
        else:
            match = _BARE_KEY.match(text, pos)
            if match is None:
                break
            parts.append(match.group())
            pos = match.end()
        while pos < len(text) and text[pos] in " \t":
            pos += 1
        if pos < len(text) and text[pos] == ".":
            pos += 1
            continue
        break
    return tuple(parts), pos


class _ValueScanner:
    """Tracks multi-line strings and arrays/inline tables that continue on later lines."""

    def __init__(self) -> None:
        self.string: str | None = None
        self.depth = 0

    @property
    def open(self) -> bool:
        return self.string is not None or self.depth > 0

    def scan(self, text: str, pos: int) -> None:
        while pos < len(text):
            if self.string is not None:
                end = text.find(self.string, pos)
                if end < 0:
                    return
                pos, self.string = end + 3, None
                continue
            char = text[pos]
            if char == "#":
                return
            if text.startswith(('"""', "'''"), pos):
                self.string = text[pos : pos + 3]
                pos += 3
            elif char == '"':
                pos += 1
                while pos < len(text) and text[pos] != '"':
                    pos += 2 if text[pos] == "\\" else 1
                pos += 1
            elif char == "'":
                pos = text.index("'", pos + 1) + 1
            else:
                self.depth += (char in "[{") - (char in "]}")
                pos += 1

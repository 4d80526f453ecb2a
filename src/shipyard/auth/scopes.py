"""Scopes as credentials carry them: the space-separated ``scope`` string of OAuth 2."""

from __future__ import annotations

from collections.abc import Iterable


def format_scopes(scopes: Iterable[str]) -> str:
    """Scopes as the space-separated ``scope`` claim; a scope may not contain spaces."""
    values = sorted(set(scopes))
    for scope in values:
        if not scope or any(char.isspace() for char in scope):
            raise ValueError(f"invalid scope {scope!r}: scopes are non-empty, without spaces")
    return " ".join(values)

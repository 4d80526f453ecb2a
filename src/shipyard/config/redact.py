"""The redacted, flattened view of settings that ``shipyard config show`` prints.

``SecretStr``/``SecretBytes`` values, and keys whose last part contains ``secret``,
``password``, ``token`` or ``key`` (but not ``*_dir``/``*_file``/``*_path`` locations),
show as ``********``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, SecretBytes, SecretStr
from pydantic_core import to_jsonable_python

from shipyard.config.sources import dotted, leaves

MASK = "********"
_SENSITIVE_WORDS = ("secret", "password", "token", "key")
_LOCATION_SUFFIXES = ("_dir", "_file", "_path")


def is_sensitive(path: Sequence[str]) -> bool:
    """True if the key at ``path`` looks like it holds a secret."""
    if not path:
        return False
    name = path[-1].lower()
    if name.endswith(_LOCATION_SUFFIXES):
        return False
    return any(word in name for word in _SENSITIVE_WORDS)


def redacted(settings: BaseModel) -> dict[str, Any]:
    """Dotted key -> JSON-compatible value of every leaf, with secrets masked."""
    view: dict[str, Any] = {}
    for path, value in leaves(settings.model_dump()):
        if isinstance(value, SecretStr | SecretBytes) or is_sensitive(path):
            view[dotted(path)] = MASK
        else:
            view[dotted(path)] = to_jsonable_python(value)
    return view

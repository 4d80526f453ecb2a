"""Permission strings and wildcard matching.

A permission is ``resource:action`` (``posts:create``) made of lower-case letters,
digits, ``_``, ``-`` and ``.``; either part may be the wildcard ``*`` (``posts:*``,
``*:read``), and ``*`` alone grants everything. A *required* permission is always
concrete (no wildcard): routes ask for ``posts:create``, roles grant ``posts:*``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from shipyard.errors import ShipyardError

WILDCARD = "*"
_PART = r"[a-z0-9_.-]+"
_GRANTED = re.compile(rf"\*|({_PART}|\*):({_PART}|\*)")
_REQUIRED = re.compile(rf"{_PART}:{_PART}")
FORMAT_HINT = 'write it as "resource:action" (e.g. "posts:create", "posts:*", "*:read" or "*")'


def validate_permission(text: str) -> str:
    """``text`` if it is a valid permission a role may hold; :class:`ShipyardError` if not."""
    if not isinstance(text, str) or not _GRANTED.fullmatch(text):
        raise ShipyardError(f"invalid permission {text!r}", hint=FORMAT_HINT)
    return text


def validate_required(text: str) -> str:
    """``text`` if it is a concrete permission a route may require (no wildcards)."""
    if not isinstance(text, str) or not _REQUIRED.fullmatch(text):
        raise ShipyardError(
            f"invalid required permission {text!r}",
            hint='require a concrete "resource:action" such as "posts:create" (no wildcards)',
        )
    return text


def matches(granted: str, required: str) -> bool:
    """True if the granted permission (maybe with wildcards) covers ``required``."""
    if granted == WILDCARD:
        return True
    resource, _, action = granted.partition(":")
    want_resource, _, want_action = required.partition(":")
    return resource in (WILDCARD, want_resource) and action in (WILDCARD, want_action)


def grants(granted: Iterable[str], required: str) -> bool:
    """True if any of ``granted`` covers ``required``; malformed grants never match."""
    return any(_GRANTED.fullmatch(item) and matches(item, required) for item in granted)

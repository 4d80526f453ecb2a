"""Choosing the API version of a request from ``Accept`` (or a ``/v2/`` URL prefix).

``Accept: application/vnd.<vendor>.v2+json`` asks for version 2. No ``Accept``, or only
generic JSON (``application/json``, ``application/vnd.<vendor>+json``, ``application/*``,
``*/*``), gets ``api.default_version``. Quality values are honoured (``q=0`` refuses a
version); among equally preferred versions the newest wins. Naming only versions the app
does not know is a 406 ``unsupported-version`` problem. Hostile headers cost little:
only the first :data:`MAX_ACCEPT_LENGTH` characters and :data:`MAX_MEDIA_RANGES` media
ranges are read, and unparsable ranges are skipped.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from starlette.types import Scope

from shipyard.config.models import API_VERSION_PATTERN, ApiSettings
from shipyard.core.problems import UNSUPPORTED_VERSION, HTTPProblem

MAX_ACCEPT_LENGTH = 4096
MAX_MEDIA_RANGES = 32
SCOPE_KEY = "shipyard.api_version"
_ACCEPT_CACHE_KEY = "shipyard.api_version.accept"
_GENERIC = frozenset({"*/*", "application/*", "application/json"})
_VERSION = re.compile(API_VERSION_PATTERN)
_DEFAULT_API = ApiSettings()

Source = Literal["default", "accept", "path"]


@dataclass(frozen=True)
class VersionChoice:
    """The outcome of negotiation: a version (and how it was chosen) or the refused asks."""

    version: str | None
    source: Source
    requested: tuple[str, ...] = ()


def media_type(vendor: str, version: str) -> str:
    """``application/vnd.<vendor>.v<version>+json``."""
    return f"application/vnd.{vendor}.v{version}+json"


def api_settings(scope: Scope) -> ApiSettings:
    """The ``api`` settings of the app serving ``scope`` (defaults for a plain FastAPI)."""
    api = getattr(getattr(scope.get("app"), "settings", None), "api", None)
    return api if isinstance(api, ApiSettings) else _DEFAULT_API


def media_ranges(accept: str) -> Iterator[tuple[str, float]]:
    """``(media range, quality)`` pairs of an ``Accept`` value, bounded and lowercased."""
    for count, part in enumerate(accept[:MAX_ACCEPT_LENGTH].split(",")):
        if count >= MAX_MEDIA_RANGES:
            return
        media, _, params = part.partition(";")
        media = media.strip().lower()
        if media.count("/") != 1:
            continue
        quality = 1.0
        for param in params.split(";"):
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = float(value.strip())
                except ValueError:
                    quality = 0.0
                if not math.isfinite(quality):
                    quality = 0.0
                quality = min(max(quality, 0.0), 1.0)
        yield media, quality


def _fallback(api: ApiSettings, refused: set[str]) -> str | None:
    if api.default_version not in refused:
        return api.default_version
    remaining = [version for version in api.versions if version not in refused]
    return remaining[-1] if remaining else None


def choose_version(accept: str | None, api: ApiSettings) -> VersionChoice:
    """The version ``accept`` asks for under ``api`` (``version=None``: none acceptable)."""
    if not accept or not accept.strip():
        return VersionChoice(api.default_version, "default")
    prefix, generic_vendor = f"application/vnd.{api.vendor}.v", f"application/vnd.{api.vendor}+json"
    wanted: dict[str, float] = {}
    refused: set[str] = set()
    unknown: list[str] = []
    generic = 0.0
    for media, quality in media_ranges(accept):
        if media.startswith(prefix) and media.endswith("+json"):
            version = media[len(prefix) : -len("+json")]
            if version not in api.versions:
                unknown.append(version)
            elif quality == 0:
                refused.add(version)
            else:
                wanted[version] = max(wanted.get(version, 0.0), quality)
        elif media in _GENERIC or media == generic_vendor:
            generic = max(generic, quality)
    wanted = {version: quality for version, quality in wanted.items() if version not in refused}
    if wanted:
        order = {version: index for index, version in enumerate(api.versions)}
        best = max(wanted, key=lambda version: (wanted[version], order[version]))
        if wanted[best] >= generic:
            return VersionChoice(best, "accept")
    if generic > 0 or not (unknown or refused):
        fallback = _fallback(api, refused)
        if fallback is not None:
            return VersionChoice(fallback, "default")
    asked = tuple(version for version in unknown if _VERSION.match(version))[:5]
    return VersionChoice(None, "accept", asked)


def negotiate(scope: Scope, api: ApiSettings) -> VersionChoice:
    """:func:`choose_version` for the request's ``Accept``, computed once per request."""
    cached = scope.get(_ACCEPT_CACHE_KEY)
    if isinstance(cached, VersionChoice):
        return cached
    accept = ", ".join(
        value.decode("latin-1") for name, value in scope.get("headers", ()) if name == b"accept"
    )
    choice = choose_version(accept, api)
    scope[_ACCEPT_CACHE_KEY] = choice
    return choice


def unsupported_version(
    api: ApiSettings, choice: VersionChoice, supported: Sequence[str] | None = None
) -> HTTPProblem:
    """The 406 problem for a request whose version is unknown or not served here."""
    versions = list(supported if supported is not None else api.versions)
    ordered = [version for version in api.versions if version in versions]
    if choice.version is not None:
        detail = f"This operation is not available in version {choice.version}."
    elif choice.requested:
        detail = f"Unknown API version {', '.join(choice.requested)}."
    else:
        detail = "None of the API versions this operation serves is acceptable."
    extra: dict[str, Any] = {
        "supported": ordered,
        "media_types": [media_type(api.vendor, version) for version in ordered],
    }
    if choice.requested:
        extra["requested"] = list(choice.requested)
    return UNSUPPORTED_VERSION.exception(detail, extra=extra)

"""Response headers of a versioned answer: the echoed media type, ``Vary``, deprecation.

A JSON answer's ``Content-Type`` becomes ``application/vnd.<vendor>.v<n>+json``; an
answer negotiated from ``Accept`` carries ``Vary: Accept``. A deprecated version adds
``Deprecation: @<unix time>`` (RFC 9745), ``Sunset: <HTTP-date>`` (RFC 8594) and ``Link``
members with ``rel="successor-version"`` (RFC 5829) and ``rel="deprecation"``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import format_datetime

from starlette.datastructures import MutableHeaders
from starlette.types import Scope

from shipyard.api.versioning.negotiation import VersionChoice, media_type
from shipyard.config.models import ApiSettings, DeprecationPolicy

_JSON = "application/json"


def deprecation_value(moment: datetime) -> str:
    """RFC 9745 ``Deprecation`` value: a structured-field Date, ``@<seconds since epoch>``."""
    return f"@{int(moment.timestamp())}"


def http_date(moment: datetime) -> str:
    """RFC 9110 IMF-fixdate, as ``Sunset`` wants: ``Sun, 01 Nov 2026 00:00:00 GMT``."""
    return format_datetime(moment.astimezone(UTC), usegmt=True)


def successor_link(scope: Scope, choice: VersionChoice, successor: str, api: ApiSettings) -> str:
    """The ``Link`` to the same resource in ``successor`` (other prefix or other media type)."""
    path: str = scope.get("path", "/")
    if choice.source == "path":
        base = f"{scope.get('root_path', '')}{api.path_prefix}"
        old = f"{base}/v{choice.version}/"
        target = f"{base}/v{successor}/{path[len(old) :]}" if path.startswith(old) else path
        return f'<{target}>; rel="successor-version"'
    return f'<{path}>; rel="successor-version"; type="{media_type(api.vendor, successor)}"'


def deprecation_headers(
    scope: Scope, choice: VersionChoice, policy: DeprecationPolicy, api: ApiSettings
) -> list[tuple[str, str]]:
    """The headers announcing that ``choice.version`` is deprecated under ``policy``."""
    headers = [("Deprecation", deprecation_value(policy.since))]
    if policy.sunset is not None:
        headers.append(("Sunset", http_date(policy.sunset)))
    if policy.successor is not None:
        headers.append(("Link", successor_link(scope, choice, policy.successor, api)))
    if policy.link is not None:
        headers.append(("Link", f'<{policy.link}>; rel="deprecation"; type="text/html"'))
    return headers


def add_vary(headers: MutableHeaders, name: str) -> None:
    """Add ``name`` to ``Vary`` unless it is already listed."""
    listed = {
        token.strip().lower() for value in headers.getlist("vary") for token in value.split(",")
    }
    if name.lower() not in listed and "*" not in listed:
        headers.add_vary_header(name)


def decorate(
    scope: Scope,
    headers: MutableHeaders,
    choice: VersionChoice,
    api: ApiSettings,
    *,
    content_type: bool = True,
) -> None:
    """Add the version headers of ``choice`` to a response's ``headers``.

    ``content_type=False`` leaves ``Content-Type`` alone (headers set by a dependency).
    """
    if choice.version is None:
        return
    current = headers.get("content-type", "")
    if content_type and current.split(";", 1)[0].strip().lower() == _JSON:
        headers["content-type"] = media_type(api.vendor, choice.version)
    if choice.source != "path":
        add_vary(headers, "Accept")
    policy = api.deprecated.get(choice.version)
    if policy is not None:
        for name, value in deprecation_headers(scope, choice, policy, api):
            headers.append(name, value)

"""The canonical URL (``app.base_url``) and the allowed hosts (``app.allowed_hosts``).

Kept free of web imports so the settings models can validate with it. A host pattern is
Django's ``ALLOWED_HOSTS`` syntax: ``example.com`` (that name only), ``.example.com``
(the domain and every subdomain), an IP address (IPv6 in brackets or bare) or ``*``
(any host). Patterns never name a port: a host is allowed on every port.

The effective list (:func:`allowed_host_patterns`) is the configured one or, when none
is, the host of ``app.base_url``; outside production the local names
(:data:`LOCAL_HOSTS`: a development server and the test clients) are always added.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

from shipyard.config.sections.core import AppSettings

LOCAL_HOSTS = (".localhost", "127.0.0.1", "[::1]", "testserver", ".test")
"""Allowed outside production: loopback, and names nobody can register (RFC 6761) that
test clients use (``http://testserver``, httpx's ``http://test``)."""

ANY_HOST = "*"
_NAME = re.compile(r"[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*")


def _ipv6(text: str) -> str | None:
    """``[address]`` in compressed form if ``text`` is an IPv6 address (bracketed or not)."""
    bare = text[1:-1] if text.startswith("[") and text.endswith("]") else text
    try:
        address = ipaddress.IPv6Address(bare)
    except ValueError:
        return None
    return f"[{address.compressed}]"


def check_host_pattern(text: str) -> str:
    """``text`` normalised (lower case, no trailing dot) if it is a host pattern; ValueError."""
    pattern = text.strip().lower().rstrip(".")
    if pattern == ANY_HOST:
        return pattern
    if ":" in pattern or pattern.startswith("["):
        ipv6 = _ipv6(pattern)
        if ipv6 is not None:
            return ipv6
        raise ValueError(
            f"{text!r} is not a host: allowed hosts match every port, so write the name "
            "alone (example.com, not example.com:8443), and IPv6 addresses as [::1]"
        )
    name = pattern.removeprefix(".")
    if not _NAME.fullmatch(name):
        raise ValueError(
            f"{text!r} is not a host name: use example.com, .example.com for the domain and "
            'its subdomains, an IP address, or "*" (international names in punycode, xn--...)'
        )
    return pattern


def check_base_url(text: str) -> str:
    """``text`` without a trailing slash if it is an absolute http(s) URL; ValueError if not."""
    url = text.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(
            f"{text!r} is not an absolute http(s) URL: write the address users open, "
            "e.g. https://example.com (with the path prefix if the app is served under one)"
        )
    if parts.query or parts.fragment or parts.username or parts.password:
        raise ValueError(f"{text!r} must have no query, fragment or user name")
    try:
        parts.port  # noqa: B018  # raises ValueError for a port out of range
    except ValueError:
        raise ValueError(f"{text!r} has an invalid port") from None
    check_host_pattern(base_url_host(url))
    return url.rstrip("/")


def base_url_host(base_url: str) -> str:
    """The host of a (validated) base URL, as an allowed-host pattern."""
    hostname = urlsplit(base_url).hostname or ""
    return _ipv6(hostname) or hostname.rstrip(".")


def allowed_host_patterns(app: AppSettings, *, production: bool) -> tuple[str, ...]:
    """The host patterns the app answers: configured, else the base URL's host; plus local."""
    patterns = list(app.allowed_hosts)
    if not patterns and app.base_url is not None:
        patterns.append(base_url_host(app.base_url))
    if not production:
        patterns.extend(host for host in LOCAL_HOSTS if host not in patterns)
    return tuple(patterns)

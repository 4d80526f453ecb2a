"""Matching a request's ``Host`` header against the allowed-host patterns.

The patterns (:mod:`shipyard.config.hosts`) are compiled once per settings snapshot into
a :class:`HostMatcher`: a set of exact names and a tuple of domain suffixes, so a request
costs one regular-expression match and a set lookup. The header is parsed as Django
parses it: lower case, an optional port (ignored), a trailing dot dropped, IPv6
addresses in brackets; anything else is not a host.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass

from starlette.types import Scope

from shipyard.config.hosts import ANY_HOST, allowed_host_patterns
from shipyard.config.models import Settings

_HOST = re.compile(r"([a-z0-9_.-]+|\[[a-f0-9]*:[a-f0-9.:]+\])(?::[0-9]{1,5})?")


def request_host(value: str) -> str | None:
    """The host of a ``Host`` header value without its port, normalised; None if invalid."""
    match = _HOST.fullmatch(value.lower())
    if match is None:
        return None
    host = match.group(1)
    if host.startswith("["):
        try:
            return f"[{ipaddress.IPv6Address(host[1:-1]).compressed}]"
        except ValueError:
            return None
    return host[:-1] if host.endswith(".") else host


def host_header(scope: Scope) -> str | None:
    """The raw ``Host`` header of ``scope`` (the first one), or None."""
    for name, value in scope["headers"]:
        if name == b"host":
            text: str = value.decode("latin-1")
            return text
    return None


@dataclass(frozen=True, slots=True)
class HostMatcher:
    """The compiled allowed-host patterns of one settings snapshot."""

    any_host: bool
    exact: frozenset[str]
    suffixes: tuple[str, ...]

    @classmethod
    def from_settings(cls, settings: Settings) -> HostMatcher:
        """The matcher for the effective ``app.allowed_hosts`` of ``settings``."""
        patterns = allowed_host_patterns(settings.app, production=settings.is_production)
        domains = [pattern for pattern in patterns if pattern.startswith(".")]
        exact = {pattern for pattern in patterns if not pattern.startswith(".")}
        exact.update(domain[1:] for domain in domains)
        return cls(ANY_HOST in exact, frozenset(exact), tuple(domains))

    def names(self, value: str | None) -> bool:
        """True if the raw ``Host`` header ``value`` matches a pattern other than ``*``."""
        host = None if value is None else request_host(value)
        return host is not None and (host in self.exact or host.endswith(self.suffixes))

    def allows(self, value: str | None) -> bool:
        """True if the raw ``Host`` header ``value`` names a host the app serves."""
        return self.any_host or self.names(value)

"""Matching a request's ``Host`` header against the allowed-host patterns.

The patterns (:mod:`shipyard.config.hosts`) are compiled once per settings snapshot into
a :class:`HostMatcher`: a set of exact names and a tuple of domain suffixes. The answer
for each ``Host`` value is remembered (up to :data:`CACHED_HOSTS` values, so a flood of
made-up names cannot grow it), so a request usually costs one dict lookup. The header is
parsed as Django
parses it: lower case, an optional port (ignored), a trailing dot dropped, IPv6
addresses in brackets; anything else is not a host.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field

from starlette.types import Scope

from shipyard.config.hosts import ANY_HOST, allowed_host_patterns
from shipyard.config.models import Settings

CACHED_HOSTS = 256
"""How many distinct ``Host`` values a matcher remembers the answer for."""

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
    probe_paths: frozenset[str] = frozenset()
    """Paths served whatever the Host (health probes and the metrics scrape, see below)."""
    _named: dict[str | None, bool] = field(default_factory=dict, compare=False)

    @classmethod
    def from_settings(cls, settings: Settings) -> HostMatcher:
        """The matcher for the effective ``app.allowed_hosts`` of ``settings``."""
        patterns = allowed_host_patterns(settings.app, production=settings.is_production)
        domains = [pattern for pattern in patterns if pattern.startswith(".")]
        exact = {pattern for pattern in patterns if not pattern.startswith(".")}
        exact.update(domain[1:] for domain in domains)
        return cls(ANY_HOST in exact, frozenset(exact), tuple(domains), probe_paths(settings))

    def names(self, value: str | None) -> bool:
        """True if the raw ``Host`` header ``value`` matches a pattern other than ``*``."""
        known = self._named.get(value)
        if known is not None:
            return known
        host = None if value is None else request_host(value)
        named = host is not None and (host in self.exact or host.endswith(self.suffixes))
        if len(self._named) < CACHED_HOSTS:
            self._named[value] = named
        return named

    def allows(self, value: str | None) -> bool:
        """True if the raw ``Host`` header ``value`` names a host the app serves."""
        return self.any_host or self.names(value)


def probe_paths(settings: Settings) -> frozenset[str]:
    """The liveness, readiness and metrics paths: answered for any ``Host``.

    Orchestrators, load balancers and Prometheus address a process by its IP (a pod's,
    ``127.0.0.1`` in a container's ``HEALTHCHECK``), not by the site's name, and these
    answers build nothing from ``Host`` (Rails exempts ``/up`` the same way). Metrics
    still need their token in production.
    """
    paths: set[str] = set()
    if settings.health.enabled:
        paths.update((settings.health.up_path, settings.health.ready_path))
    if settings.metrics.enabled:
        paths.add(settings.metrics.path)
    return frozenset(paths)

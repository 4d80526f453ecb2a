"""Which origins are this site's own, for the CSRF ``Origin`` check.

An origin is the site's own when it is the canonical URL's (``app.base_url``), one of
``csrf.trusted_origins``, or the request's own ``scheme://Host`` while that host matches
an allowed-host pattern by name. The ``Host`` header alone never vouches for an origin:
with ``allowed_hosts = ["*"]`` (or a DNS-rebinding attacker's name) a forged
``Host``/``Origin`` pair would otherwise agree with itself.
"""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass
from urllib.parse import urlsplit

from starlette.datastructures import Headers
from starlette.types import Scope

from shipyard.config.models import Settings
from shipyard.core.urls import canonical_url
from shipyard.errors import ShipyardError
from shipyard.security.hosts import HostMatcher

_DEFAULT_PORTS = {"http": 80, "https": 443}


def origin_of(url: str) -> str:
    """The ``Origin`` a browser sends for pages under ``url`` (default port left out)."""
    parts = urlsplit(url)
    host = parts.netloc.rsplit("@", 1)[-1].lower()
    if parts.port is not None and parts.port == _DEFAULT_PORTS.get(parts.scheme):
        host = host.rsplit(":", 1)[0]
    return f"{parts.scheme}://{host}"


@dataclass(frozen=True, slots=True)
class SiteOrigins:
    """The origins of one settings snapshot, and the host patterns that vouch for more."""

    fixed: frozenset[str]
    hosts: HostMatcher

    @classmethod
    def from_settings(cls, settings: Settings) -> SiteOrigins:
        """The canonical origin, the trusted origins and the allowed-host patterns."""
        fixed = set(settings.csrf.trusted_origins)
        with suppress(ShipyardError):  # production without base_url: refused at load
            fixed.add(origin_of(canonical_url(settings)))
        return cls(frozenset(fixed), HostMatcher.from_settings(settings))

    def own(self, scope: Scope, headers: Headers) -> str:
        """The origin this request was addressed to (``scheme://Host``), for messages."""
        return f"{scope.get('scheme', 'http')}://{headers.get('host', '')}"

    def trusts(self, origin: str, scope: Scope, headers: Headers) -> bool:
        """True if ``origin`` is this site's, as seen by ``scope``'s request."""
        if origin in self.fixed:
            return True
        host = headers.get("host")
        return self.hosts.names(host) and origin == self.own(scope, headers)

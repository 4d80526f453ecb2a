"""Checks that only the production profile makes: settings that are valid but unsafe there.

A development secret key, debug mode, a missing canonical URL or allowed hosts, or
console mail (which prints reset and verification links into the server log) would start
fine in production and leak; loading the ``production`` profile refuses them with a
problem that names the key and the fix.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

from shipyard.config.errors import Problem
from shipyard.config.hosts import ANY_HOST
from shipyard.config.models import DEVELOPMENT_SECRET_KEY, Settings
from shipyard.config.sources import KeyPath, Source, lookup

MIN_SECRET_KEY_LENGTH = 32


def production_problems(
    settings: Settings, sources: Mapping[KeyPath, Source], root: Path
) -> list[Problem]:
    """What makes these settings unsafe for production (nothing outside that profile)."""
    if not settings.is_production:
        return []

    def where(*path: str) -> str | None:
        source = lookup(sources, path)
        return source.describe(root) if source is not None else None

    problems: list[Problem] = []
    secret_key = settings.app.secret_key.get_secret_value()
    if secret_key == DEVELOPMENT_SECRET_KEY or len(secret_key) < MIN_SECRET_KEY_LENGTH:
        problems.append(
            Problem(
                f"needs a random value of at least {MIN_SECRET_KEY_LENGTH} characters in "
                "production, not the development default; set SHIPYARD_APP__SECRET_KEY, e.g. "
                'to the output of `python -c "import secrets; print(secrets.token_urlsafe(48))"`',
                key="app.secret_key",
                source=where("app", "secret_key"),
            )
        )
    if settings.app.debug:
        problems.append(
            Problem(
                "must be false in production (debug pages show source and settings)",
                key="app.debug",
                source=where("app", "debug"),
            )
        )
    problems.extend(_site_problems(settings, where))
    refused_failover = [name for name in settings.mail.failover if name in PRODUCTION_MAIL_REFUSED]
    if settings.mail.backend == "failover" and refused_failover:
        problems.append(
            Problem(
                f"mail.failover lists {', '.join(refused_failover)}, refused in production: "
                + "; ".join(f"{name}: {PRODUCTION_MAIL_REFUSED[name]}" for name in refused_failover)
                + '. Fail over to "file" (.eml files for a relay) instead',
                key="mail.failover",
                source=where("mail", "failover"),
            )
        )
    if settings.mail.backend in PRODUCTION_MAIL_REFUSED:
        problems.append(
            Problem(
                f"{settings.mail.backend!r} mail is refused in production: "
                f"{PRODUCTION_MAIL_REFUSED[settings.mail.backend]}. Set mail.backend = "
                '"smtp" with the server in [mail.smtp], or "custom" and provide the '
                "app's mailer with MAILER.provide(app, mailer) "
                '(from shipyard.mail import MAILER), or "file" to leave .eml files in '
                "mail.file_dir for a relay",
                key="mail.backend",
                source=where("mail", "backend"),
            )
        )
    return problems


PRODUCTION_MAIL_REFUSED = {
    "console": "it prints every message, reset and verification links included, into the "
    "server log",
    "memory": "it keeps messages in the process and never delivers them",
}
"""The mail backends production refuses, and why."""


def _site_problems(settings: Settings, where: Callable[..., str | None]) -> Iterator[Problem]:
    """The canonical URL and the allowed hosts: both must be set, https and explicit."""
    base_url = settings.app.base_url
    if base_url is None or not base_url.startswith("https://"):
        found = "is not set" if base_url is None else f"is {base_url!r}, not https"
        yield Problem(
            f"{found}: links in mail would have no trustworthy address. Set "
            "SHIPYARD_APP__BASE_URL (or app.base_url) to the site's public https URL, "
            "e.g. https://example.com",
            key="app.base_url",
            source=where("app", "base_url"),
        )
    hosts = settings.app.allowed_hosts
    if ANY_HOST in hosts or (not hosts and base_url is None):
        found = 'is "*", which lets any Host header in' if hosts else "is empty"
        yield Problem(
            f"{found}. List the names the site answers to (e.g. "
            '["example.com", ".example.com"]) or leave it empty with app.base_url set, '
            "to allow the base URL's host",
            key="app.allowed_hosts",
            source=where("app", "allowed_hosts"),
        )

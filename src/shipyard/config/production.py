"""Checks that only the production profile makes: settings that are valid but unsafe there.

A development secret key or debug mode would start fine in production and leak; loading
the ``production`` profile refuses them with a problem that names the key and the fix.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from shipyard.config.errors import Problem
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
    return problems

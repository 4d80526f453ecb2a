"""System checks: findings about an app's set-up, each with a stable id, a hint and a level.

Modelled on Django's check framework. Every extension may return findings from its
``checks(app, deploy=...)`` hook; :func:`run_checks` collects them with the core's own,
drops the ids the app silenced (``app.silenced_checks`` or ``--silence``) and sorts them
by level. ``deploy`` asks for the checks that matter before going live (it is on for the
production profile, and for ``shipyard check --deploy``). An id is
``<extension>.<E|W|I><three digits>``: ``db.W001`` is a warning of the database
extension; ids never change meaning, so they can be silenced safely.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from shipyard.config.production import production_problems

if TYPE_CHECKING:
    from shipyard.core.app import AppBase

Level = Literal["error", "warning", "info"]
LEVELS: tuple[Level, ...] = ("error", "warning", "info")
_ID = re.compile(r"^[a-z][a-z0-9_-]*\.([EWI])\d{3}$")
_LETTER: dict[Level, str] = {"error": "E", "warning": "W", "info": "I"}
PRODUCTION_RULES = {
    "app.secret_key": "core.E001",
    "app.debug": "core.E002",
    "app.base_url": "core.E003",
    "app.allowed_hosts": "core.E004",
    "mail.backend": "core.E005",
    "mail.failover": "core.E006",
}
"""The stable id of each production settings rule (:mod:`shipyard.config.production`)."""


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing a check found: what is wrong, where, and how to fix it."""

    id: str
    level: Level
    message: str
    hint: str = ""

    def __post_init__(self) -> None:
        match = _ID.match(self.id)
        if match is None or match.group(1) != _LETTER[self.level]:
            raise ValueError(
                f"check id {self.id!r} must look like 'name.{_LETTER[self.level]}001' for a"
                f" finding of level {self.level!r}"
            )

    def at_least(self, level: Level) -> bool:
        """True when this finding is as serious as ``level``, or more."""
        return LEVELS.index(self.level) <= LEVELS.index(level)


def core_checks(app: AppBase, *, deploy: bool) -> Iterator[Finding]:
    """The core's checks: the production settings rules, as findings, and the proxy's."""
    if not deploy:
        return
    settings = app.settings.model_copy(update={"profile": "production"})
    for problem in production_problems(settings, {}, app.root):
        yield Finding(
            PRODUCTION_RULES.get(problem.key or "", "core.E999"),
            "error",
            f"{problem.key}: {problem.message}",
            "the production profile refuses to start with this setting",
        )
    yield from _proxy_findings(app)


def _proxy_findings(app: AppBase) -> Iterator[Finding]:
    """Whom the server believes about the client's address and scheme (X-Forwarded-*)."""
    server = app.settings.server
    if not server.proxy_headers:
        yield Finding(
            "core.W001",
            "warning",
            "server.proxy_headers is false: behind a reverse proxy the app sees the proxy's "
            "address as every client's (rate limits, logs) and plain http",
            "set server.proxy_headers = true and server.forwarded_allow_ips to the proxy's "
            "address; silence core.W001 if clients reach the app directly",
        )
    elif "*" in (ip.strip() for ip in server.forwarded_allow_ips.split(",")):
        yield Finding(
            "core.I001",
            "info",
            'server.forwarded_allow_ips is "*": anyone who reaches the app\'s port can '
            "claim another client address with X-Forwarded-For",
            "fine when only the proxy can reach the port (a private network, a published "
            "port bound to 127.0.0.1); otherwise list the proxy's addresses",
        )


def run_checks(
    app: AppBase, *, deploy: bool | None = None, silenced: Iterable[str] = ()
) -> list[Finding]:
    """Every finding of the app's checks, silenced ids left out, errors first."""
    going_live = app.settings.is_production if deploy is None else deploy
    quiet = {*app.settings.app.silenced_checks, *silenced}
    findings = list(core_checks(app, deploy=going_live))
    for extension in app.extensions:
        findings.extend(extension.checks(app, deploy=going_live))
    kept = [finding for finding in findings if finding.id not in quiet]
    return sorted(kept, key=lambda finding: (LEVELS.index(finding.level), finding.id))

"""What the deployment files depend on, read from the project's production settings.

The production profile is read without its safety rules (the secrets live in the
server's environment, not in the project), so a fresh project can be scaffolded; the
values the files bake in are the ones the running app will use: its port, health and
metrics paths, shutdown timeouts, body limit, trusted proxies, and which services (a
database server, Redis) it needs.
"""

from __future__ import annotations

import math
import re
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from shipyard.config.loader import load
from shipyard.config.models import Settings
from shipyard.errors import ShipyardError

STOP_MARGIN = 5
"""Seconds a supervisor waits beyond the app's own graceful timeout before killing it."""
DEFAULT_HOST = "example.com"


@dataclass(frozen=True)
class DeployProfile:
    """The facts the templates use (see the module docstring)."""

    name: str
    slug: str
    python: str
    database: str  # postgres or sqlite
    redis_uses: tuple[str, ...]
    jobs: bool
    mail: str
    port: int
    server: str
    proxy_headers: bool
    forwarded_allow_ips: str
    health: bool
    up_path: str
    ready_path: str
    metrics: bool
    metrics_path: str
    web_graceful: int
    worker_grace: int
    max_body_size: int
    static_url: str
    host: str
    migrations: bool

    @property
    def redis(self) -> bool:
        """Whether any part of the app keeps its state in Redis."""
        return bool(self.redis_uses)

    @property
    def ident(self) -> str:
        """The slug as an identifier (nginx zone and variable names, metric job names)."""
        return self.slug.replace("-", "_")

    @property
    def web_stop_seconds(self) -> int:
        """How long a supervisor lets the web server stop (its graceful timeout + margin)."""
        return self.web_graceful + STOP_MARGIN

    @property
    def worker_stop_seconds(self) -> int:
        """How long a supervisor lets a jobs worker stop (``jobs.grace_period`` + margin)."""
        return self.worker_grace + STOP_MARGIN

    @property
    def body_size_kib(self) -> int:
        """The body limit in KiB, rounded up (nginx's ``client_max_body_size`` unit)."""
        return max(1, math.ceil(self.max_body_size / 1024))


def read_profile(root: Path) -> DeployProfile:
    """The deployment facts of the project at ``root`` (a ShipyardError names what is missing)."""
    pyproject = root / "pyproject.toml"
    if not pyproject.is_file() or not (root / "config").is_dir():
        raise ShipyardError(
            f"{root} is not a Shipyard project (no pyproject.toml and config/)",
            hint="run the command in a project made by `shipyard new`, or pass --directory",
        )
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    settings = load(root, "production", production_rules=False).settings
    return _profile(str(project["name"]), _python(project), settings, root)


def _python(project: dict[str, object]) -> str:
    """The image's Python: the lowest version ``requires-python`` allows (else this one)."""
    found = re.search(r">=\s*(3\.\d+)", str(project.get("requires-python", "")))
    return found.group(1) if found else f"{sys.version_info.major}.{sys.version_info.minor}"


def _profile(name: str, python: str, settings: Settings, root: Path) -> DeployProfile:
    redis_uses = tuple(
        use
        for use, on in (
            ("sessions", settings.sessions.backend == "redis"),
            ("jobs", settings.jobs.backend == "redis"),
            ("ratelimit", settings.ratelimit.storage == "redis"),
            ("tokens", settings.tokens.denylist == "redis"),
        )
        if on
    )
    return DeployProfile(
        name=name,
        slug=re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "app",
        python=python,
        database=database_kind(settings.database.url.get_secret_value()),
        redis_uses=redis_uses,
        jobs=settings.jobs.backend != "memory",
        mail=settings.mail.backend,
        port=settings.server.port,
        server=settings.server.server,
        proxy_headers=settings.server.proxy_headers,
        forwarded_allow_ips=settings.server.forwarded_allow_ips,
        health=settings.health.enabled,
        up_path=settings.health.up_path,
        ready_path=settings.health.ready_path,
        metrics=settings.metrics.enabled,
        metrics_path=settings.metrics.path,
        web_graceful=math.ceil(settings.server.graceful_timeout),
        worker_grace=math.ceil(settings.jobs.grace_period),
        max_body_size=settings.web.max_body_size,
        static_url=settings.web.static_url,
        host=_public_host(settings),
        migrations=(root / "migrations" / "env.py").is_file(),
    )


def database_kind(url: str) -> str:
    """``postgres`` or ``sqlite`` from a SQLAlchemy URL (its dialect name)."""
    dialect = urlsplit(url).scheme.split("+")[0]
    if dialect in ("postgresql", "sqlite"):
        return "postgres" if dialect == "postgresql" else "sqlite"
    raise ShipyardError(
        f"database.url uses {dialect!r}: the deployment files know PostgreSQL and SQLite"
    )


def _public_host(settings: Settings) -> str:
    """The site's public name: base_url's host, else the first exact allowed host."""
    if settings.app.base_url:
        host = urlsplit(settings.app.base_url).hostname
        if host:
            return host
    exact = [host for host in settings.app.allowed_hosts if not host.startswith((".", "*"))]
    return exact[0] if exact else DEFAULT_HOST

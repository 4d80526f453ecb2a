"""Core sections: the app itself, its database, its server and configuration loading."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator

from shipyard.config.sections.base import Section

DEVELOPMENT_SECRET_KEY = "insecure-development-key-change-me"  # noqa: S105  # nosec B105
"""The default secret key: fine on a laptop, refused by the production profile."""


class AppSettings(Section):
    """Identity of the application and its development switches."""

    name: str = Field(
        default="Shipyard app", description="Shown in page titles, the OpenAPI title and mail."
    )
    debug: bool = Field(
        default=False, description="Debug error pages with tracebacks (development profile only)."
    )
    secret_key: SecretStr = Field(
        default=SecretStr(DEVELOPMENT_SECRET_KEY),
        description="Signs sessions and tokens. Set a long random value outside development.",
    )
    base_url: str | None = Field(
        default=None,
        description="Public URL (https://example.com, with any path prefix) of links in mail; "
        "required in production, else http://localhost:<server.port>.",
    )
    allowed_hosts: list[str] = Field(
        default_factory=list,
        description='Hosts served: "example.com", ".example.com" (and subdomains), "*"; '
        "empty: base_url's host. Outside production local names are added.",
    )
    plugins_autoload: bool = Field(
        default=True,
        description="Load every installed `shipyard.plugins` entry point at start-up.",
    )
    disabled_plugins: list[str] = Field(
        default_factory=list, description="Entry-point names of installed plugins not to load."
    )
    silenced_checks: list[str] = Field(
        default_factory=list,
        description='Check ids `shipyard check` leaves out, e.g. ["db.W001"].',
    )

    @field_validator("base_url")
    @classmethod
    def _base_url(cls, value: str | None) -> str | None:
        from shipyard.config.hosts import check_base_url

        return None if value is None else check_base_url(value)

    @field_validator("allowed_hosts")
    @classmethod
    def _allowed_hosts(cls, value: list[str]) -> list[str]:
        from shipyard.config.hosts import check_host_pattern

        return [check_host_pattern(entry) for entry in value]


class DatabaseSettings(Section):
    """The SQLAlchemy engine: SQLite under var/ by default, PostgreSQL in production."""

    url: SecretStr = Field(
        default=SecretStr("sqlite+aiosqlite:///var/app.db"),
        description="SQLAlchemy async URL: sqlite+aiosqlite:///... or postgresql+asyncpg://...",
    )
    echo: bool = Field(default=False, description="Log every SQL statement (development aid).")
    pool_size: int = Field(
        default=5, ge=1, description="Connections kept open per process (PostgreSQL, SQLite files)."
    )
    max_overflow: int = Field(
        default=10, ge=0, description="Extra connections allowed above pool_size under load."
    )
    pool_timeout: float = Field(
        default=30.0, gt=0, description="Seconds to wait for a free connection before failing."
    )
    connect_timeout: float = Field(
        default=5.0, gt=0, description="Seconds to wait for the server when connecting."
    )
    busy_timeout: float = Field(
        default=5.0,
        gt=0,
        description="SQLite: seconds a transaction waits for the write lock before the "
        "request is answered 503 (Retry-After).",
    )
    migrations_dir: Path = Field(
        default=Path("migrations"),
        description="The Alembic migrations folder, relative to the project root.",
    )


class ServerSettings(Section):
    """How `shipyard dev` and `shipyard run` serve the app."""

    host: str = Field(
        default="127.0.0.1",
        description="Address `shipyard dev`/`run` listen on; 0.0.0.0 for all interfaces.",
    )
    port: int = Field(
        default=8000, ge=1, le=65535, description="TCP port `shipyard dev`/`run` listen on."
    )
    workers: int = Field(default=0, ge=0, description="0 means one worker per CPU core.")
    server: Literal["uvicorn", "granian"] = Field(
        default="granian", description="Production server of `shipyard run` (see decisions)."
    )
    graceful_timeout: float = Field(
        default=10.0,
        ge=0,
        description="Seconds a stopping server gives requests and shutdown hooks.",
    )
    proxy_headers: bool = Field(
        default=False, description="Trust X-Forwarded-* headers from forwarded_allow_ips."
    )
    forwarded_allow_ips: str = Field(
        default="127.0.0.1",
        description="Comma-separated proxy addresses whose X-Forwarded-* headers are trusted.",
    )


class ConfigSettings(Section):
    """How configuration itself behaves."""

    hot_reload: bool | None = Field(
        default=None, description="Watch config files; defaults to on in development only."
    )
    secrets_dir: Path | None = Field(
        default=None, description="A directory holding one file per key (Docker/Kubernetes)."
    )
    aws_region: str | None = Field(
        default=None, description="AWS region for secret://aws/... references."
    )
    aws_endpoint_url: str | None = Field(
        default=None,
        description="Custom AWS endpoint for secret references (e.g. a local moto server).",
    )

"""Core sections: the app itself, its database, its server and configuration loading."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr

from shipyard.config.sections.base import Section

DEVELOPMENT_SECRET_KEY = "insecure-development-key-change-me"  # noqa: S105  # nosec B105
"""The default secret key: fine on a laptop, refused by the production profile."""


class AppSettings(Section):
    """Identity of the application and its development switches."""

    name: str = "Shipyard app"
    debug: bool = False
    secret_key: SecretStr = Field(
        default=SecretStr(DEVELOPMENT_SECRET_KEY),
        description="Signs sessions and tokens. Set a long random value outside development.",
    )
    plugins_autoload: bool = Field(
        default=True,
        description="Load every installed `shipyard.plugins` entry point at start-up.",
    )
    disabled_plugins: list[str] = Field(default_factory=list)
    silenced_checks: list[str] = Field(
        default_factory=list,
        description='Check ids `shipyard check` leaves out, e.g. ["db.W001"].',
    )


class DatabaseSettings(Section):
    """The SQLAlchemy engine: SQLite under var/ by default, PostgreSQL in production."""

    url: SecretStr = SecretStr("sqlite+aiosqlite:///var/app.db")
    echo: bool = False
    pool_size: int = Field(default=5, ge=1)
    max_overflow: int = Field(default=10, ge=0)
    pool_timeout: float = Field(default=30.0, gt=0)
    connect_timeout: float = Field(default=5.0, gt=0)
    migrations_dir: Path = Path("migrations")


class ServerSettings(Section):
    """How `shipyard dev` and `shipyard run` serve the app."""

    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    workers: int = Field(default=0, ge=0, description="0 means one worker per CPU core.")
    server: Literal["uvicorn", "granian"] = Field(
        default="granian", description="Production server of `shipyard run` (see decisions)."
    )
    graceful_timeout: float = Field(default=10.0, ge=0)
    proxy_headers: bool = False
    forwarded_allow_ips: str = "127.0.0.1"


class ConfigSettings(Section):
    """How configuration itself behaves."""

    hot_reload: bool | None = Field(
        default=None, description="Watch config files; defaults to on in development only."
    )
    secrets_dir: Path | None = Field(
        default=None, description="A directory holding one file per key (Docker/Kubernetes)."
    )
    aws_region: str | None = None
    aws_endpoint_url: str | None = None

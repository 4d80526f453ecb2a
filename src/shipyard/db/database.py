"""The :class:`Database`: one async SQLAlchemy engine and session factory per app.

It owns turning ``settings.database`` into an engine: resolving a relative SQLite path
against the project root (and creating its folder), the SQLite connection pragmas (WAL,
foreign keys, busy timeout, real transactions so savepoints work), the PostgreSQL pool and
connect timeout, and turning "cannot connect" into one clear :class:`ShipyardError`.
It does not own requests' sessions (``shipyard.db.session``), migrations, or when a SQLite
transaction takes the write lock (``shipyard.db.sqlite_transactions``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import URL, Dialect, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import ConnectionPoolEntry

from shipyard.config.models import DatabaseSettings
from shipyard.db import sqlite_driver, sqlite_transactions
from shipyard.db.kept import KEPT_KEY, KeptConnection
from shipyard.errors import ShipyardError

FIX_URL = "fix database.url (e.g. SHIPYARD_DATABASE__URL)"
ASYNC_DRIVERS = {"sqlite": "sqlite+aiosqlite", "postgresql": "postgresql+asyncpg"}
DRIVER_ALIASES = {"postgres": "postgresql"}
MEMORY_DATABASES = {"", ":memory:"}


def resolve_url(raw: str, root: Path) -> URL:
    """Parse ``raw`` into an async-driver URL; relative SQLite paths resolve under ``root``.

    ``postgres://`` and ``postgresql://`` get the asyncpg driver and ``sqlite://`` gets
    aiosqlite, so a URL pasted from a hosting provider works as is.
    """
    try:
        url = make_url(raw)
    except ArgumentError as exc:
        raise ShipyardError(
            f"database.url {_mask(raw)!r} is not a valid database URL",
            hint=f"{FIX_URL}; it looks like sqlite+aiosqlite:///var/app.db",
        ) from exc
    name = DRIVER_ALIASES.get(url.drivername, url.drivername)
    url = url.set(drivername=ASYNC_DRIVERS.get(name, name))
    if url.get_backend_name() == "sqlite" and not is_memory(url):
        path = Path(url.database or "")
        if not path.is_absolute():
            path = root / path
        url = url.set(database=str(path))
    return url


def is_memory(url: URL) -> bool:
    """True for an in-memory SQLite URL (nothing on disk, one connection)."""
    return url.get_backend_name() == "sqlite" and (url.database or "") in MEMORY_DATABASES


def _mask(raw: str) -> str:
    """``raw`` with anything between ``://user:`` and ``@`` hidden (for unparsable URLs)."""
    scheme, sep, rest = raw.partition("://")
    credentials, at, host = rest.rpartition("@")
    if not sep or not at or ":" not in credentials:
        return raw
    return f"{scheme}://{credentials.split(':', 1)[0]}:***@{host}"


class Database:
    """An async engine plus a session factory, built from ``DatabaseSettings``.

    Creating it connects to nothing: the first query opens the first connection, and a
    server that cannot be reached then raises a :class:`ShipyardError` naming the URL
    (password masked) and the reason.
    """

    def __init__(self, settings: DatabaseSettings, root: Path) -> None:
        self.settings = settings
        self.url = resolve_url(settings.url.get_secret_value(), root)
        self.engine: AsyncEngine = self._create_engine()
        self.kept: KeptConnection | None = None
        """The kept connection of point reads (file SQLite on the loop driver only)."""
        if self.url.drivername == "sqlite+aiosqlite" and not is_memory(self.url):
            self.kept = KeptConnection(self.engine)
        self.sessionmaker: async_sessionmaker[AsyncSession] = async_sessionmaker(
            self.engine,
            expire_on_commit=False,
            info={} if self.kept is None else {KEPT_KEY: self.kept},
        )

    @property
    def redacted_url(self) -> str:
        """The URL with its password replaced by ``***``: safe for logs and errors."""
        return self.url.render_as_string(hide_password=True)

    @property
    def backend(self) -> str:
        """``sqlite`` or ``postgresql`` (the SQLAlchemy backend name)."""
        return self.url.get_backend_name()

    async def check(self) -> None:
        """Run ``SELECT 1``; raise a :class:`ShipyardError` if the database is unreachable."""
        try:
            async with self.engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
        except (SQLAlchemyError, OSError, TimeoutError) as exc:
            raise self.unreachable(exc) from exc

    async def dispose(self) -> None:
        """Close every pooled connection."""
        if self.kept is not None:
            await self.kept.dispose()
        await self.engine.dispose()

    def unreachable(self, exc: BaseException) -> ShipyardError:
        """The error for a failed connection attempt, naming the URL and the reason."""
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()
        detail = reason[0] if reason else type(exc).__name__
        return ShipyardError(
            f"database unreachable at {self.redacted_url}: {detail}",
            hint="start the server or fix database.url",
        )

    # -- engine construction ----------------------------------------------------------

    def _create_engine(self) -> AsyncEngine:
        options: dict[str, Any] = {"echo": self.settings.echo}
        if not is_memory(self.url):
            options.update(
                pool_size=self.settings.pool_size,
                max_overflow=self.settings.max_overflow,
                pool_timeout=self.settings.pool_timeout,
            )
        if self.backend == "postgresql":
            options["connect_args"] = {"timeout": self.settings.connect_timeout}
        if self.url.drivername == "sqlite+aiosqlite":
            options["module"] = sqlite_driver.DBAPI
        if self.backend == "sqlite" and not is_memory(self.url):
            folder = Path(self.url.database or "").parent
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise ShipyardError(
                    f"cannot create {folder} for the SQLite database: {exc.strerror}",
                    hint=FIX_URL,
                ) from exc
        try:
            engine = create_async_engine(self.url, **options)
        except ModuleNotFoundError as exc:
            raise ShipyardError(
                f"the driver for {self.redacted_url} is not installed ({exc.name})",
                hint="use sqlite+aiosqlite:// or postgresql+asyncpg:// "
                "(asyncpg comes with pip install 'shipyard[postgres]')",
            ) from exc
        except (NoSuchModuleError, ArgumentError, SQLAlchemyError) as exc:
            raise ShipyardError(
                f"cannot use database.url {self.redacted_url}: {exc}",
                hint=f"{FIX_URL}; use sqlite+aiosqlite:// or postgresql+asyncpg://",
            ) from exc
        event.listen(engine.sync_engine, "do_connect", self._connect)
        if self.backend == "sqlite":
            event.listen(engine.sync_engine, "connect", self._configure_sqlite)
            sqlite_transactions.install(engine.sync_engine)
        return engine

    def _connect(
        self, dialect: Dialect, _record: ConnectionPoolEntry, cargs: Any, cparams: Any
    ) -> Any:
        """Open a DBAPI connection; any failure becomes the one clear "unreachable" error."""
        try:
            return dialect.connect(*cargs, **cparams)
        except Exception as exc:
            raise self.unreachable(exc) from exc

    def _configure_sqlite(self, dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
        """WAL, foreign keys and the busy timeout; ``sqlite_transactions`` emits BEGIN.

        ``synchronous=NORMAL`` is the setting SQLite recommends with WAL (Rails 8 uses it
        too): no corruption on a crash, and only an OS crash or power cut can lose the
        last commits, while each commit no longer waits for an fsync.

        pysqlite's own transaction handling breaks SAVEPOINT and DDL in transactions;
        turning it off and emitting BEGIN ourselves (the recipe from the SQLAlchemy docs)
        gives real transactions, transactional DDL for migrations and working savepoints.
        """
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        busy_ms = int(self.settings.busy_timeout * 1000)
        if isinstance(dbapi_connection, sqlite_driver.LoopConnection):
            # statements run on the event loop: SQLite must not sleep there; the driver
            # awaits between retries instead, for as long as the busy timeout allows
            setattr(dbapi_connection, sqlite_driver.BUSY_TIMEOUT_KEY, self.settings.busy_timeout)
            busy_ms = 0
        pragmas = ("journal_mode=WAL", "synchronous=NORMAL", "foreign_keys=ON")
        for pragma in (*pragmas, f"busy_timeout={busy_ms}"):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

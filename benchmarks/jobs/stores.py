"""The benchmark's Redis database and PostgreSQL database, and wiping them between phases.

Only what belongs to the benchmark is wiped: Redis database
:data:`~benchmarks.jobs.probe.REDIS_DB` (``FLUSHDB``) and the ``public`` schema of the
PostgreSQL database :data:`DATABASE` (dropped and recreated).
"""

from __future__ import annotations

import os

import redis
from sqlalchemy import make_url, text
from sqlalchemy.ext.asyncio import create_async_engine

from benchmarks.jobs.probe import bench_redis_url
from shipyard.testing.services import postgres_url

DATABASE = "shipyard_bench_jobs"
POSTGRES_ENV = "SHIPYARD_BENCH_JOBS_POSTGRES"
"""Overrides the benchmark's PostgreSQL URL (SQLAlchemy asyncpg form)."""


def bench_postgres_url() -> str:
    """``postgresql+asyncpg://.../shipyard_bench_jobs`` (or ``$SHIPYARD_BENCH_JOBS_POSTGRES``)."""
    if url := os.environ.get(POSTGRES_ENV):
        return url
    return make_url(postgres_url()).set(database=DATABASE).render_as_string(hide_password=False)


def libpq_url() -> str:
    """The same database as a plain ``postgresql://`` URL, for psycopg (procrastinate)."""
    url = make_url(bench_postgres_url()).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def reset_redis() -> None:
    """``FLUSHDB`` the benchmark's Redis database (and no other)."""
    with redis.Redis.from_url(bench_redis_url()) as client:
        client.flushdb()


async def reset_postgres() -> None:
    """Create the benchmark database if needed and give it an empty ``public`` schema."""
    target = make_url(bench_postgres_url())
    admin = create_async_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as connection:
            found = await connection.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": target.database}
            )
            if found.first() is None:
                await connection.execute(text(f'CREATE DATABASE "{target.database}"'))
    finally:
        await admin.dispose()
    engine = create_async_engine(target, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            await connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            await connection.execute(text("CREATE SCHEMA public"))
    finally:
        await engine.dispose()


async def reset(store: str) -> None:
    """Wipe the benchmark's data in ``store`` (``redis`` or ``postgresql``).

    The probe's keys live in Redis, so a PostgreSQL reset flushes Redis too.
    """
    reset_redis()
    if store == "postgresql":
        await reset_postgres()

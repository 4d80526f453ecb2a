"""``shipyard cache``: look at and empty the app's shared cache.

``shipyard cache stats`` prints the configured backend, key prefix and default TTL and,
for the shared backends (Redis, the database table), how many keys are stored under the
prefix. ``shipyard cache clear`` deletes every entry under the prefix; ``--tag posts``
invalidates only the entries stored with that tag. The memory backend lives inside each
server process, so a command cannot reach it: restart the servers, or invalidate from the
app. A server that cannot be reached is one ``error:`` line and exit code 1.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, TypeVar

import typer
from redis.exceptions import RedisError
from rich.console import Console
from rich.markup import escape
from sqlalchemy.exc import SQLAlchemyError

from shipyard.cache.client import Cache
from shipyard.cache.registry import BACKENDS, CacheRegistry
from shipyard.cli.errors import fail, handle_errors
from shipyard.cli.options import AppOption, ProfileOption
from shipyard.core.discovery import load_app
from shipyard.db.database import Database
from shipyard.db.migrations import run_coroutine

T = TypeVar("T")

app = typer.Typer(
    name="cache",
    help="The app's cache.\n\nExample: shipyard cache clear --tag posts",
    no_args_is_help=True,
    rich_markup_mode="rich",
)
console = Console(highlight=False)

BackendOption = Annotated[
    str | None,
    typer.Option(
        "--backend", help=f"Which backend ({', '.join(BACKENDS)}); default: cache.backend."
    ),
]


def _with_cache(
    spec: str | None,
    profile: str | None,
    backend: str | None,
    work: Callable[[Cache], Awaitable[T]],
) -> tuple[Cache, T]:
    application = load_app(spec, profile=profile)
    name = backend or application.settings.cache.backend
    if name not in BACKENDS:
        raise fail(f"unknown cache backend {name!r}; use one of {', '.join(BACKENDS)}")
    if name == "memory":
        raise fail(
            "the memory backend lives inside each server process; a command cannot reach it "
            "(restart the servers, or call invalidate_tags from the app)"
        )

    async def run() -> tuple[Cache, T]:
        database = Database(application.settings.database, application.root)
        registry = CacheRegistry(application.settings.cache, lambda: database)
        try:
            cache = registry.get(name)
            return cache, await work(cache)
        except (SQLAlchemyError, RedisError, OSError) as exc:
            reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()
            raise fail(
                f"the {name} cache cannot be reached: {reason[0] if reason else exc!r}"
            ) from exc
        finally:
            await registry.close()
            await database.dispose()

    return run_coroutine(run)


@app.command("clear")
@handle_errors
def clear(
    tag: Annotated[
        list[str] | None, typer.Option("--tag", help="Only invalidate entries with this tag.")
    ] = None,
    backend: BackendOption = None,
    app_spec: AppOption = None,
    profile: ProfileOption = None,
) -> None:
    """Delete every cached entry under cache.key_prefix, or only those of --tag.

    Example: shipyard cache clear --tag posts --tag users
    """
    tags = [name for name in tag or [] if name.strip()]

    async def work(cache: Cache) -> int:
        if tags:
            await cache.invalidate_tags(*tags)
            return 0
        return await cache.clear()

    cache, removed = _with_cache(app_spec, profile, backend, work)
    if tags:
        console.print(f"invalidated tag(s) {escape(', '.join(tags))} in the {cache.name} cache")
    else:
        console.print(
            f"removed {removed} key(s) under {escape(cache.prefix)!r} from the {cache.name} cache"
        )


@app.command("stats")
@handle_errors
def stats(
    backend: BackendOption = None, app_spec: AppOption = None, profile: ProfileOption = None
) -> None:
    """Show the cache's backend, key prefix, default TTL and how many keys it holds.

    Example: shipyard cache stats --backend redis
    """

    async def work(cache: Cache) -> int:
        return await cache.store.count(cache.prefix)

    cache, count = _with_cache(app_spec, profile, backend, work)
    console.print(f"backend: {cache.name}")
    console.print(f"key prefix: {escape(cache.prefix)}")
    console.print(f"default ttl: {cache.default_ttl:g} s")
    console.print(f"keys stored: {count}")

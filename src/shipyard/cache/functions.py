"""``@cached``: an async function's results kept in the cache, one computation per key.

::

    @cached(ttl=600, tags=["posts", "post:{post_id}"])
    async def post_summary(post_id: int) -> dict[str, object]:
        ...

The key is the function's module and qualified name plus its bound arguments (their
``repr``, hashed; pass ``key=`` to build it yourself when an argument's ``repr`` is not
stable). Tags may name arguments. Concurrent calls with the same key compute once
(:meth:`~shipyard.cache.client.Cache.get_or_set`); ``early_refresh`` recomputes a value
about to expire while callers still get it. Results must be JSON values (or bytes) for
the shared backends. The cache is the started app's (``backend`` names one).
"""

from __future__ import annotations

import functools
import hashlib
import inspect
from collections.abc import Awaitable, Callable, Iterable
from typing import Any, ParamSpec, TypeVar

from shipyard.cache.registry import process_registry

P = ParamSpec("P")
R = TypeVar("R")


def _formatted(tags: tuple[str, ...], arguments: dict[str, Any]) -> list[str]:
    result = []
    for tag in tags:
        try:
            result.append(tag.format_map(arguments))
        except (KeyError, ValueError, IndexError, AttributeError):
            result.append(tag)
    return result


def cached(
    ttl: float | None = None,
    *,
    key: Callable[..., str] | None = None,
    backend: str | None = None,
    tags: Iterable[str] = (),
    early_refresh: float | None = None,
) -> Callable[[Callable[P, Awaitable[R]]], Callable[P, Awaitable[R]]]:
    """Cache the results of an async function for ``ttl`` seconds (see the module)."""
    tag_templates = tuple(tags)

    def decorate(function: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[R]]:
        if not inspect.iscoroutinefunction(function):
            raise TypeError(f"@cached needs an async function, not {function!r}")
        signature = inspect.signature(function)
        name = f"{function.__module__}.{function.__qualname__}"

        @functools.wraps(function)
        async def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            bound = signature.bind(*args, **kwargs)
            bound.apply_defaults()
            if key is not None:
                suffix = key(*args, **kwargs)
            else:
                suffix = hashlib.sha256(repr(sorted(bound.arguments.items())).encode()).hexdigest()

            async def compute() -> R:
                return await function(*args, **kwargs)

            cache = process_registry().get(backend)
            return await cache.get_or_set(
                f"fn:{name}:{suffix}",
                compute,
                ttl,
                tags=_formatted(tag_templates, dict(bound.arguments)),
                early_refresh=early_refresh,
            )

        return wrapper

    return decorate

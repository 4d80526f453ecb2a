"""``@cache(...)`` on a route: what to cache it by, for how long, under which tags.

The decorator only records a :class:`CachePolicy` on the endpoint; the cache middleware
(:mod:`.middleware`) finds it when a request reaches that route and does the work.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

ATTRIBUTE = "__shipyard_cache__"
DEFAULT_VARY = ("accept", "accept-language", "hx-request", "hx-target")
"""Request headers every cached route varies on: the content type, language and API
version asked for (``Accept``), and whether htmx asked for a fragment."""

EndpointT = TypeVar("EndpointT", bound=Callable[..., Any])


@dataclass(frozen=True, slots=True)
class CachePolicy:
    """How one route is cached (see :func:`cache`)."""

    ttl: float | None = None
    backend: str | None = None
    vary_on_user: bool = False
    vary_on: tuple[str, ...] = ()
    query: tuple[str, ...] | None = None
    tags: tuple[str, ...] = ()

    @property
    def headers(self) -> tuple[str, ...]:
        """Every request header the key includes, lower-case."""
        return (
            *DEFAULT_VARY,
            *(name.lower() for name in self.vary_on if name.lower() not in DEFAULT_VARY),
        )

    @property
    def fixed_tags(self) -> tuple[str, ...]:
        """The tags that name no path parameter (known before routing)."""
        return tuple(tag for tag in self.tags if "{" not in tag)

    def tags_for(self, path_params: Mapping[str, str]) -> list[str]:
        """The tags with ``{name}`` path parameters filled in (``"post:{id}"``)."""
        tags = []
        for tag in self.tags:
            try:
                tags.append(tag.format_map(path_params))
            except (KeyError, ValueError, IndexError):
                tags.append(tag)
        return tags


def cache(
    ttl: float | None = None,
    *,
    backend: str | None = None,
    vary_on_user: bool = False,
    vary_on: Iterable[str] = (),
    query: Iterable[str] | None = None,
    tags: Iterable[str] = (),
) -> Callable[[EndpointT], EndpointT]:
    """Cache a ``GET`` route's responses (status, body, content headers) for ``ttl`` seconds.

    The key is the method, host, path, the query parameters (only those named in
    ``query`` when given), the ``Accept``, ``Accept-Language``, ``HX-Request`` and
    ``HX-Target`` headers, the headers in ``vary_on``, and with ``vary_on_user`` the
    signed-in user's id. ``backend`` picks a backend (default: ``cache.backend``);
    ``tags`` may name path parameters (``"post:{id}"``). A response that sets a cookie,
    carries the request's CSP nonce, is ``no-store``/``private`` or used the session or
    credentials is never stored unless ``vary_on_user``.
    """
    if ttl is not None and ttl <= 0:
        raise ValueError("ttl must be positive")
    policy = CachePolicy(
        ttl,
        backend,
        vary_on_user,
        tuple(vary_on),
        None if query is None else tuple(sorted(query)),
        tuple(tags),
    )

    def decorate(endpoint: EndpointT) -> EndpointT:
        setattr(endpoint, ATTRIBUTE, policy)
        return endpoint

    return decorate


def policy_of(endpoint: object) -> CachePolicy | None:
    """The policy ``@cache`` put on ``endpoint``, if any."""
    found = getattr(endpoint, ATTRIBUTE, None)
    return found if isinstance(found, CachePolicy) else None

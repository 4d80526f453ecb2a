"""Shipyard's cache: backends, the route and function caches, HTTP validators, fragments.

Owns the :class:`Cache` interface and its stores (memory LRU, Redis, the
``shipyard_cache`` table), tags and stampede protection, ``@cache`` for routes (served by
:class:`CacheMiddleware`), ``@cached`` for async functions, tag invalidation deferred to
the request's commit (:func:`invalidate_tags`), the HTTP helpers (ETag, Last-Modified,
304/412, ``Cache-Control``) and the ``{% cache %}`` template tag. It does not own the CSP
nonce (``shipyard.security``) nor sessions; it only refuses to cache what used them.
"""

from shipyard.cache.client import Cache, CacheStats, Entry
from shipyard.cache.extension import CacheExtension
from shipyard.cache.functions import cached
from shipyard.cache.http import (
    cache_control,
    conditional,
    http_date,
    not_modified,
    precondition_failed,
    strong_etag,
    weak_etag,
)
from shipyard.cache.invalidation import invalidate_tags
from shipyard.cache.memory import MemoryStore
from shipyard.cache.middleware import CacheMiddleware
from shipyard.cache.models import model_tag
from shipyard.cache.policy import CachePolicy, cache
from shipyard.cache.queries import cached_query
from shipyard.cache.redis import RedisStore
from shipyard.cache.registry import CACHES, CacheRegistry, get_cache
from shipyard.cache.store import Store

__all__ = [
    "CACHES",
    "Cache",
    "CacheExtension",
    "CacheMiddleware",
    "CachePolicy",
    "CacheRegistry",
    "CacheStats",
    "Entry",
    "MemoryStore",
    "RedisStore",
    "Store",
    "cache",
    "cache_control",
    "cached",
    "cached_query",
    "conditional",
    "get_cache",
    "http_date",
    "invalidate_tags",
    "model_tag",
    "not_modified",
    "precondition_failed",
    "strong_etag",
    "weak_etag",
]

"""Moved: Rate limits now live in :mod:`shipyard.ratelimit`; this path keeps old imports working."""

from shipyard.ratelimit import (
    Decision,
    Limiter,
    RateLimit,
    RateLimitExceeded,
    RateLimitExtension,
    RateLimitMiddleware,
    clear_account,
    client_ip,
    get_limiter,
    limit_account,
)

__all__ = [
    "Decision",
    "Limiter",
    "RateLimit",
    "RateLimitExceeded",
    "RateLimitExtension",
    "RateLimitMiddleware",
    "clear_account",
    "client_ip",
    "get_limiter",
    "limit_account",
]

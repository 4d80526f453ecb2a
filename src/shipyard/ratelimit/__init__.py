"""Rate limiting on the ``limits`` library: pure-ASGI middleware and per-route limits.

Owns the limiter (memory or Redis storage, moving- or fixed-window), the global limits
from ``ratelimit`` settings (per user, per IP), route limits (:class:`RateLimit`), the
per-account limit against credential stuffing (:func:`limit_account`), client-IP
resolution behind trusted proxies and the 429 responses. It does not own identities
(``shipyard.auth``); it only reads the one resolved for the request.
"""

from shipyard.ratelimit.clientip import client_ip
from shipyard.ratelimit.dependency import (
    RateLimit,
    clear_account,
    limit_account,
)
from shipyard.ratelimit.extension import RateLimitExtension
from shipyard.ratelimit.limiter import Decision, Limiter
from shipyard.ratelimit.middleware import RateLimitMiddleware
from shipyard.ratelimit.responses import RateLimitExceeded
from shipyard.ratelimit.state import LIMITER, LimiterDep, get_limiter

__all__ = [
    "LIMITER",
    "Decision",
    "Limiter",
    "LimiterDep",
    "RateLimit",
    "RateLimitExceeded",
    "RateLimitExtension",
    "RateLimitMiddleware",
    "clear_account",
    "client_ip",
    "get_limiter",
    "limit_account",
]

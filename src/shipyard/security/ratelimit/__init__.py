"""Rate limiting on the ``limits`` library: pure-ASGI middleware and per-route limits.

Owns the limiter (memory or Redis storage, moving- or fixed-window), the global limits
from ``ratelimit`` settings (per user, per IP), route limits (:class:`RateLimit`), the
per-account limit against credential stuffing (:func:`limit_account`), client-IP
resolution behind trusted proxies and the 429 responses. It does not own identities
(``shipyard.auth``); it only reads the one resolved for the request.
"""

from shipyard.security.ratelimit.clientip import client_ip
from shipyard.security.ratelimit.dependency import (
    RateLimit,
    clear_account,
    limit_account,
)
from shipyard.security.ratelimit.extension import RateLimitExtension
from shipyard.security.ratelimit.limiter import Decision, Limiter
from shipyard.security.ratelimit.middleware import RateLimitMiddleware
from shipyard.security.ratelimit.responses import RateLimitExceeded
from shipyard.security.ratelimit.state import limiter_for

__all__ = [
    "Decision",
    "Limiter",
    "RateLimit",
    "RateLimitExceeded",
    "RateLimitExtension",
    "RateLimitMiddleware",
    "clear_account",
    "client_ip",
    "limit_account",
    "limiter_for",
]

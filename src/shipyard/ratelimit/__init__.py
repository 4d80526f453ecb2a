"""Rate limiting: pure-ASGI middleware, per-route limits, sliding-window counters.

Owns the limiter (memory or Redis, sliding- or fixed-window counters), the global limits
from ``ratelimit`` settings (per user, per IP), route limits (:class:`RateLimit`), the
growing delays for password guesses per account and IP (:func:`throttle_attempt`), the
per-address limit on account mail (:func:`mail_allowed`), client-IP resolution behind
trusted proxies and the 429 responses. It does not own identities
(``shipyard.auth``); it only reads the one resolved for the request.
"""

from shipyard.ratelimit.clientip import client_ip
from shipyard.ratelimit.dependency import RateLimit
from shipyard.ratelimit.extension import RateLimitExtension
from shipyard.ratelimit.limiter import Decision, Limiter
from shipyard.ratelimit.middleware import RateLimitMiddleware
from shipyard.ratelimit.recipients import mail_allowed
from shipyard.ratelimit.responses import RateLimitExceeded
from shipyard.ratelimit.state import LIMITER, LimiterDep, get_limiter
from shipyard.ratelimit.throttle import attempt_succeeded, throttle_attempt

__all__ = [
    "LIMITER",
    "Decision",
    "Limiter",
    "LimiterDep",
    "RateLimit",
    "RateLimitExceeded",
    "RateLimitExtension",
    "RateLimitMiddleware",
    "attempt_succeeded",
    "client_ip",
    "get_limiter",
    "mail_allowed",
    "throttle_attempt",
]

"""The per-address limit on mail a visitor can make the app send (reset, verification...).

Anyone can ask for a password reset of any address; without a limit one client can
flood a victim's inbox. :func:`mail_allowed` counts one message of a ``kind`` to an
address against ``ratelimit.mail_per_address``, whatever IP asked. Past the limit the
caller answers exactly as when it sends (the visitor learns nothing) and does not send.
"""

from __future__ import annotations

from starlette.requests import HTTPConnection

from shipyard.ratelimit.accounts import account_key
from shipyard.ratelimit.state import LIMITER

MAIL_BUCKET = "mail"


async def mail_allowed(request: HTTPConnection, kind: str, address: str) -> bool:
    """Count one ``kind`` message to ``address``; False when it must not be sent."""
    options = request.app.settings.ratelimit
    limiter = LIMITER.find(request.app)
    if not options.enabled or options.mail_per_address is None or limiter is None:
        return True
    decision = await limiter.hit(options.mail_per_address, MAIL_BUCKET, kind, account_key(address))
    return decision.allowed

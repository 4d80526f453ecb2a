"""Growing delays for credential guesses on one account (a throttle, not a lockout).

Call :func:`throttle_attempt` before checking a password (or any secret an account
holder types); it raises :class:`RateLimitExceeded` (429, ``Retry-After``) when the
attempt must wait, else counts it. :func:`attempt_succeeded` forgets the failures of the
client's IP after a success and remembers that IP as known to the account.

Two counters per account (``ratelimit.throttle``):

- per account and client IP (IPv6: per /64): the first ``failures`` attempts go through
  at once; then each attempt must come at least ``first_delay`` seconds after the
  previous one, twice as long after each further one, up to ``max_delay``;
- per account, from the IPs that never logged in to it (within ``known_ip_ttl``): the
  same with ``account_failures`` free attempts, so guesses spread over many IPs slow
  down too while the owner's own IP is never held up by them.

An attempt is counted before its password is checked, atomically (``INCR`` on Redis, a
lock in memory), so concurrent guesses cannot slip in between a check and its count;
who waits is answered at once (no sleeping request holds a worker). Counters live in
the limiter's storage: per process in memory, shared by every worker on Redis.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Iterator

from limits.aio.storage import Storage
from starlette.requests import HTTPConnection

from shipyard.config.models import ThrottleSettings
from shipyard.ratelimit.accounts import account_key
from shipyard.ratelimit.clientip import client_network
from shipyard.ratelimit.limiter import Decision, Limiter
from shipyard.ratelimit.responses import RateLimitExceeded
from shipyard.ratelimit.state import LIMITER

logger = logging.getLogger("shipyard.ratelimit")

ATTEMPTS, DELAYED, WAIT = "n", "d", "wait"


class Throttle:
    """The two counters of one account and one client network, in one storage."""

    def __init__(
        self, storage: Storage, settings: ThrottleSettings, action: str, account: str, ip: str
    ) -> None:
        self.storage = storage
        self.settings = settings
        base = f"throttle/{action}/{account}"
        self.by_ip = f"{base}/ip/{ip}"
        self.by_account = f"{base}/all"
        self.known = f"{base}/known/{ip}"

    async def attempt(self) -> Decision | None:
        """Count one attempt: None if it may go ahead, else the refusal (seconds to wait)."""
        wait = await self._wait(self.by_ip, self.settings.failures)
        if wait:
            return Decision(False, self.settings.failures, 0, wait)
        if self.settings.known_ip_ttl and await self.storage.get(self.known):
            return None
        wait = await self._wait(self.by_account, self.settings.account_failures)
        return Decision(False, self.settings.account_failures, 0, wait) if wait else None

    async def _wait(self, counter: str, free: int) -> int:
        """0 when this attempt may go ahead (it is counted), else seconds to wait."""
        settings = self.settings
        if await self.storage.incr(f"{counter}/{ATTEMPTS}", settings.window) < free:
            return 0
        delayed = await self.storage.get(f"{counter}/{DELAYED}")
        pause = min(settings.max_delay, settings.first_delay * 2 ** min(delayed, 32))
        if await self.storage.incr(f"{counter}/{WAIT}", pause) == 1:
            await self.storage.incr(f"{counter}/{DELAYED}", settings.window)
            return 0
        return max(1, math.ceil(await self.storage.get_expiry(f"{counter}/{WAIT}") - time.time()))

    async def succeeded(self, *, everywhere: bool) -> None:
        """Forget this IP's failures (``everywhere``: the account-wide ones too); mark it known."""
        for key in self._keys(self.by_ip, self.by_account if everywhere else None):
            await self.storage.clear(key)
        if self.settings.known_ip_ttl:
            await self.storage.clear(self.known)
            await self.storage.incr(self.known, self.settings.known_ip_ttl)

    @staticmethod
    def _keys(*counters: str | None) -> Iterator[str]:
        for counter in counters:
            if counter is not None:
                yield from (f"{counter}/{part}" for part in (ATTEMPTS, DELAYED, WAIT))


def _throttle(
    request: HTTPConnection, identifier: str, action: str
) -> tuple[Throttle, Limiter] | None:
    options = request.app.settings.ratelimit
    limiter: Limiter | None = LIMITER.find(request.app)
    if not options.enabled or limiter is None:
        return None
    ip = client_network(request.scope, options.trusted_proxies)
    throttle = Throttle(limiter.storage, options.throttle, action, account_key(identifier), ip)
    return throttle, limiter


async def throttle_attempt(
    request: HTTPConnection, identifier: str, *, action: str = "password"
) -> None:
    """Count an attempt at the credential of account ``identifier`` (its email address).

    Raises :class:`RateLimitExceeded` (a 429 with ``Retry-After``) when the attempt must
    wait: call it before checking the password, and answer the refusal without checking
    it. Every endpoint that checks the same secret uses the same ``action`` (default
    ``"password"``), so they share one count.
    """
    found = _throttle(request, identifier, action)
    if found is None:
        return
    throttle, limiter = found
    try:
        refusal = await throttle.attempt()
    except Exception:
        if not limiter.fail_open:
            raise
        logger.warning("throttle storage failed; admitting the attempt", exc_info=True)
        return
    if refusal is not None:
        raise RateLimitExceeded(request, refusal)


async def attempt_succeeded(
    request: HTTPConnection,
    identifier: str,
    *,
    action: str = "password",
    everywhere: bool = False,
) -> None:
    """After a right password: forget the client's failures and remember its IP as known.

    ``everywhere=True`` also forgets the failures from other IPs: use it once the owner
    has proved control of the account another way (a password-reset link).
    """
    found = _throttle(request, identifier, action)
    if found is None:
        return
    throttle, limiter = found
    try:
        await throttle.succeeded(everywhere=everywhere)
    except Exception:
        if not limiter.fail_open:
            raise
        logger.warning("throttle storage failed; the failures were not forgotten", exc_info=True)

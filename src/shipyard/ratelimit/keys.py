"""Who a limit counts: the client IP, the signed-in user, the API key, or the whole route.

``user`` uses the caller already resolved for the request (by the accounts code, through
:mod:`shipyard.ratelimit.identity`) and falls back to the client IP; ``api_key`` uses the
API key the caller came with and falls back to ``user``. A custom key is any
``(request) -> str`` callable.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from starlette.requests import HTTPConnection

from shipyard.ratelimit.clientip import client_network
from shipyard.ratelimit.identity import resolved_caller

KeyName = Literal["ip", "user", "api_key", "route"]
KeyFunction = Callable[[HTTPConnection], str]
KEY_NAMES: tuple[KeyName, ...] = ("ip", "user", "api_key", "route")


def ip_key(request: HTTPConnection) -> str:
    """``ip:<address>`` (IPv6: its /64), trusting proxies as ``ratelimit.trusted_proxies`` says."""
    trusted = request.app.settings.ratelimit.trusted_proxies
    return f"ip:{client_network(request.scope, trusted)}"


def user_key(request: HTTPConnection) -> str:
    """``user:<id>`` for a resolved identity, else the IP key."""
    caller = resolved_caller(request)
    if caller is None:
        return ip_key(request)
    return f"user:{caller.user_id}"


def api_key_key(request: HTTPConnection) -> str:
    """``apikey:<id>`` when the identity came from an API key, else the user key."""
    caller = resolved_caller(request)
    if caller is not None and caller.api_key_id:
        return f"apikey:{caller.api_key_id}"
    return user_key(request)


def route_key(request: HTTPConnection) -> str:
    """One counter for everybody: the route's limit is shared by all clients."""
    return "all"


KEY_FUNCTIONS: dict[KeyName, KeyFunction] = {
    "ip": ip_key,
    "user": user_key,
    "api_key": api_key_key,
    "route": route_key,
}


def key_function(key: KeyName | KeyFunction) -> KeyFunction:
    """The key function for a key name (or the callable itself); ValueError if unknown."""
    if callable(key):
        return key
    try:
        return KEY_FUNCTIONS[key]
    except KeyError:
        raise ValueError(f"unknown rate-limit key {key!r}; use one of {KEY_NAMES}") from None

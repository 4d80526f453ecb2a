"""Parsing and checking rate-limit strings and trusted-proxy networks.

Kept free of web imports so the settings models can validate with it. A limit string is
anything the ``limits`` library parses as exactly one limit: ``"60/minute"``,
``"10 per 15 minutes"``.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from limits import RateLimitItem, parse_many

from shipyard.errors import ShipyardError

LIMIT_EXAMPLE = 'write it like "60/minute" or "10 per 15 minutes"'


@lru_cache(maxsize=256)
def parse_limit(text: str) -> RateLimitItem:
    """The ``limits`` item for ``text``; a :class:`ShipyardError` if it is not one limit."""
    try:
        items = parse_many(text)
    except (ValueError, TypeError) as exc:
        raise ShipyardError(f"rate limit {text!r} is not valid", hint=LIMIT_EXAMPLE) from exc
    if len(items) != 1:
        raise ShipyardError(f"rate limit {text!r} must be exactly one limit", hint=LIMIT_EXAMPLE)
    item = items[0]
    if item.amount < 1:
        raise ShipyardError(
            f"rate limit {text!r} admits nothing", hint="use an amount of 1 or more"
        )
    return item


def check_limit(text: str) -> str:
    """``text`` unchanged if it is a valid limit (settings validator); ValueError if not."""
    try:
        parse_limit(text)
    except ShipyardError as error:
        raise ValueError(str(error)) from None
    return text


def check_network(text: str) -> str:
    """``text`` unchanged if it is an IP address or CIDR network; ValueError if not."""
    try:
        ipaddress.ip_network(text.strip(), strict=False)
    except ValueError:
        raise ValueError(
            f"{text!r} is not an IP address or network (e.g. 10.0.0.1 or 10.0.0.0/8)"
        ) from None
    return text.strip()

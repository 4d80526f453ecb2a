"""Channel names, and who may subscribe to which channel.

A channel is a name of the form ``<kind>:<rest>``: ``user:42`` (one user's own events),
``record:ship:7`` (one record), ``topic:fleet`` (anyone the app lets in). The helpers
:func:`user_channel`, :func:`record_channel` and :func:`topic_channel` build them.

Subscribing is refused unless a rule allows it (:class:`ChannelRules`): each app keeps
rules by channel kind. ``user`` channels are built in and only ever open to that user;
an app adds the others::

    rules = channel_rules(app)
    rules.allow("topic", lambda identity, channel: True)           # public topics
    rules.allow("record", may_read_record)                          # async or not

A rule gets the subscriber's :class:`~shipyard.auth.identity.Identity` (None when
anonymous) and the channel name, and answers True to let them in.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Awaitable, Callable

from starlette.applications import Starlette

from shipyard.auth.identity import Identity
from shipyard.core.services import Service
from shipyard.errors import ShipyardError

CHANNEL = re.compile(r"[a-z][a-z0-9_-]{0,39}:[A-Za-z0-9_.:=-]{1,200}")
"""A valid channel name: a kind, a colon, then letters, digits and ``_.:=-``."""

Rule = Callable[[Identity | None, str], bool | Awaitable[bool]]
"""Decides whether an identity (None: anonymous) may subscribe to a channel."""


class InvalidChannel(ShipyardError):
    """A channel name that does not match :data:`CHANNEL`."""


def check_channel(channel: str) -> str:
    """``channel`` when it is a valid name; :class:`InvalidChannel` otherwise."""
    if not CHANNEL.fullmatch(channel):
        raise InvalidChannel(
            f"{channel[:80]!r} is not a channel name",
            hint="channels are '<kind>:<name>', e.g. user:42, record:ship:7, topic:fleet",
        )
    return channel


def user_channel(user_id: int | str) -> str:
    """The channel of one user's own events (only that user may subscribe)."""
    return check_channel(f"user:{user_id}")


def record_channel(kind: str, record_id: int | str) -> str:
    """The channel of one record, e.g. ``record:ship:7``."""
    return check_channel(f"record:{kind}:{record_id}")


def topic_channel(name: str) -> str:
    """The channel of a topic, e.g. ``topic:fleet``."""
    return check_channel(f"topic:{name}")


def _own_user_channel(identity: Identity | None, channel: str) -> bool:
    return identity is not None and channel == f"user:{identity.user.id}"


class ChannelRules:
    """One app's subscription rules by channel kind; a kind without a rule is closed."""

    def __init__(self) -> None:
        self._rules: dict[str, Rule] = {"user": _own_user_channel}

    def allow(self, kind: str, rule: Rule) -> None:
        """Let ``rule`` decide subscriptions to channels ``<kind>:...`` (not ``user``)."""
        if kind == "user":
            raise ShipyardError(
                "user channels are only ever open to their own user",
                hint="publish to a topic or record channel for events others may see",
            )
        self._rules[kind] = rule

    async def permits(self, identity: Identity | None, channel: str) -> bool:
        """True if ``identity`` may subscribe to ``channel`` (a valid name)."""
        rule = self._rules.get(channel.split(":", 1)[0])
        if rule is None:
            return False
        answer = rule(identity, channel)
        if inspect.isawaitable(answer):
            answer = await answer
        return answer is True


CHANNEL_RULES = Service("channel_rules", ChannelRules, "channel rule registry")
"""The app's :class:`ChannelRules`, made on first use."""


def channel_rules(app: Starlette) -> ChannelRules:
    """The subscription rules of ``app`` (created with the built-in ``user`` rule)."""
    return CHANNEL_RULES.get_or_create(app, ChannelRules)

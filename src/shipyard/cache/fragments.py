"""``{% cache %}``: a template fragment rendered once and reused until it expires.

::

    {% cache "sidebar", post.id, ttl=600, tags=["posts"] %}
      ... costly markup ...
    {% endcache %}

The key is the template's name plus the values after the tag (``"sidebar"``,
``post.id``): put in it everything the fragment depends on, the user included when it
shows who is logged in. ``ttl`` defaults to ``cache.default_ttl``; ``tags`` are
invalidated with :func:`shipyard.cache.invalidate_tags` like any other entry.

Templates render synchronously, so fragments live in the app's memory cache (per
process, whatever ``cache.backend`` says). A fragment is never stored when it holds the
request's CSP nonce (``csp_nonce()`` inside it: the nonce would reach other requests and
break their CSP) or when rendering it used the session (a CSRF token, flashed messages):
it is rendered for every request instead.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from jinja2 import nodes
from jinja2.ext import Extension
from jinja2.parser import Parser
from jinja2.runtime import Context
from markupsafe import Markup

from shipyard.cache.registry import CACHES
from shipyard.cache.safety import request_nonce, request_session


def _render_watching_session(scope: dict[str, Any], caller: Callable[[], str]) -> tuple[str, bool]:
    """``caller()``, and whether it used the request's session (a CSRF token, flashes)."""
    session = request_session(scope)
    if session is None:
        return caller(), False
    before, session.accessed = session.accessed, False
    try:
        rendered = caller()
        used = session.accessed
    finally:
        session.accessed = session.accessed or before
    return rendered, used


class FragmentCacheExtension(Extension):
    """The ``{% cache key, ... [, ttl=seconds] [, tags=[...]] %}`` tag."""

    tags = {"cache"}  # noqa: RUF012  # jinja2 declares it as an instance set

    def parse(self, parser: Parser) -> nodes.Node:
        lineno = next(parser.stream).lineno
        parts: list[nodes.Expr] = []
        options: dict[str, nodes.Expr] = {"ttl": nodes.Const(None), "tags": nodes.List([])}
        while parser.stream.current.type != "block_end":
            if parts:
                parser.stream.expect("comma")
            if parser.stream.current.type == "name" and parser.stream.look().type == "assign":
                name = next(parser.stream)
                if name.value not in options:
                    parser.fail(f"unknown cache option {name.value!r} (ttl, tags)", name.lineno)
                next(parser.stream)
                options[name.value] = parser.parse_expression()
                parts.append(nodes.Const(None))  # keeps the comma rule simple
                continue
            parts.append(parser.parse_expression())
        key_parts = [
            part for part in parts if not (isinstance(part, nodes.Const) and part.value is None)
        ]
        if not key_parts:
            parser.fail('{% cache %} needs a key: {% cache "name", ... %}', lineno)
        call = self.call_method(
            "_render",
            [nodes.ContextReference(), nodes.List(key_parts), options["ttl"], options["tags"]],
        )
        body = parser.parse_statements(("name:endcache",), drop_needle=True)
        return nodes.CallBlock(call, [], [], body).set_lineno(lineno)

    def _render(
        self,
        context: Context,
        parts: list[Any],
        ttl: float | None,
        tags: list[str],
        caller: Callable[[], str],
    ) -> str:
        request = context.get("request")
        scope = getattr(request, "scope", None)
        registry = CACHES.find(request.app) if scope is not None else None
        if registry is None or scope is None:
            return caller()
        cache = registry.get("memory")
        key = "fragment:" + hashlib.sha256(repr((context.name, parts)).encode()).hexdigest()
        entry = cache.get_now(key)
        if entry is not None:
            return Markup(entry.value)  # noqa: S704  # nosec B704 - stored after autoescaping
        rendered, used_session = _render_watching_session(scope, caller)
        nonce = request_nonce(scope)
        if used_session or (nonce is not None and nonce in rendered):
            return rendered
        cache.set_now(key, str(rendered), ttl, [str(tag) for tag in tags])
        return rendered

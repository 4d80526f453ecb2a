"""``current_user`` in templates: who the page is for, resolved only when a template asks.

A layout shows who is logged in on every page (error pages too), so it cannot depend on
the route having asked for the user. The web layer knows nothing of accounts: the
``identity`` battery of the default app installs a :class:`ViewerSource`
(:data:`VIEWERS`), which answers the request's user through the identity machinery (the
identity is resolved once per request, in the request's database session, and cached).

Resolution is lazy. :func:`uses_viewer` reads a template, its layouts, includes and
imports (parsed once, cached until one of them changes) for :data:`VIEWER_NAMES`; only a
render of a template that uses one of them resolves the identity first (templates cannot
wait for the database, so :func:`shipyard.web.render.render` then answers a
:class:`~shipyard.web.lazy_response.LazyHTMLResponse` that resolves, then renders as it
is sent). Every other render touches neither the session nor the database.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import cast
from weakref import WeakKeyDictionary

from jinja2 import Environment, Template, nodes
from starlette.requests import HTTPConnection

from shipyard.core.services import Service
from shipyard.db.request import SCOPE_KEY, RequestSession

VIEWER_NAMES = frozenset({"current_user", "current_identity"})
"""Template variables that need the request's identity."""


@dataclass(frozen=True, slots=True)
class ViewerSource:
    """How templates learn who is logged in, installed by the accounts code.

    ``resolve`` resolves the request's identity (one query at most, in the request's
    database session) and answers its user or None; ``resolved`` answers
    ``(True, user or None)`` once something resolved it, ``(False, None)`` before.
    """

    resolve: Callable[[HTTPConnection], Awaitable[object | None]]
    resolved: Callable[[HTTPConnection], tuple[bool, object | None]]


VIEWERS = Service("viewer_source", ViewerSource, "identity source for templates")
"""The app's :class:`ViewerSource` (installed by the ``identity`` battery)."""


def current_user(connection: HTTPConnection) -> object | None:
    """The request's user if its identity is resolved, else None (never resolves)."""
    source = VIEWERS.find(connection.app)
    return None if source is None else source.resolved(connection)[1]


def viewer_pending(connection: HTTPConnection) -> bool:
    """True when the identity is unresolved and can still be resolved for this request.

    It can while the request's database session is open (inside the ``database``
    middleware, before the response starts): pages refused before that layer, or after
    it closed, see only an identity something else resolved.
    """
    source = VIEWERS.find(connection.app)
    if source is None or source.resolved(connection)[0]:
        return False
    holder = connection.scope.get(SCOPE_KEY)
    return isinstance(holder, RequestSession) and not holder.started


async def resolve_viewer(connection: HTTPConnection) -> None:
    """Resolve the request's identity for templates, if it is pending."""
    source = VIEWERS.find(connection.app)
    if source is not None and viewer_pending(connection):
        await source.resolve(connection)


def template_reference(env: Environment, expression: nodes.Expr) -> str | None:
    """The template an ``extends``/``include``/``import`` names: a string, or a global
    holding one (``{% extends layout %}``); None when only the render knows it."""
    if isinstance(expression, nodes.Const) and isinstance(expression.value, str):
        return expression.value
    if isinstance(expression, nodes.Name):
        value = env.globals.get(expression.name)
        return value if isinstance(value, str) else None
    return None


_REFERENCES = (nodes.Extends, nodes.Include, nodes.Import, nodes.FromImport)


class _Scan:
    """One look through a template and what it pulls in, remembering what it read."""

    def __init__(self, env: Environment) -> None:
        self.env = env
        self.read: list[Callable[[], bool]] = []
        self.trees: dict[str, nodes.Template] = {}

    def tree(self, name: str) -> nodes.Template:
        if name not in self.trees:
            loader = self.env.loader
            if loader is None:
                return nodes.Template([])
            source, _, uptodate = loader.get_source(self.env, name)
            if uptodate is not None:
                self.read.append(uptodate)
            self.trees[name] = self.env.parse(source)
        return self.trees[name]

    def mentions(self, node: nodes.Node, seen: set[str]) -> bool:
        """True if ``node`` or a template it references uses a viewer name."""
        if any(name.name in VIEWER_NAMES for name in node.find_all(nodes.Name)):
            return True
        for found in node.find_all(_REFERENCES):
            reference = cast("nodes.Extends", found)  # each of _REFERENCES has .template
            target = template_reference(self.env, reference.template)
            if target is None:
                return True  # only the render knows which template: assume it asks
            if target not in seen:
                seen.add(target)
                if self.mentions(self.tree(target), seen):
                    return True
        return False

    def chain(self, name: str) -> list[nodes.Template]:
        """The template and the layouts it extends, nearest first."""
        trees: list[nodes.Template] = []
        current: str | None = name
        while current is not None and len(trees) < 32:
            tree = self.tree(current)
            trees.append(tree)
            extends = tree.find(nodes.Extends)
            current = None if extends is None else template_reference(self.env, extends.template)
        return trees

    def blocks_mention(self, name: str, blocks: Iterable[str]) -> bool:
        """True if the named blocks (every definition along the chain, and the blocks
        nested in them) use a viewer name."""
        trees = self.chain(name)
        todo, done = list(blocks), set[str]()
        while todo:
            block_name = todo.pop()
            if block_name in done:
                continue
            done.add(block_name)
            for tree in trees:
                for block in tree.find_all(nodes.Block):
                    if block.name != block_name:
                        continue
                    if self.mentions(block, {name}):
                        return True
                    todo.extend(inner.name for inner in block.find_all(nodes.Block))
        return False


_USES: WeakKeyDictionary[Template, dict[tuple[str, ...], tuple[bool, list[Callable[[], bool]]]]]
_USES = WeakKeyDictionary()


def uses_viewer(template: Template, blocks: Sequence[str] = ()) -> bool:
    """Whether rendering ``template`` (or only ``blocks`` of it) reads a viewer name.

    Cached per template and blocks; with ``auto_reload`` (development) until a template
    read to decide changes, as Jinja caches the templates themselves.
    """
    if template.name is None:
        return True
    cache = _USES.setdefault(template, {})
    key = tuple(blocks)
    cached = cache.get(key)
    if cached is not None and (
        not template.environment.auto_reload or all(uptodate() for uptodate in cached[1])
    ):
        return cached[0]
    scan = _Scan(template.environment)
    if key:
        answer = scan.blocks_mention(template.name, key)
    else:
        answer = scan.mentions(scan.tree(template.name), {template.name})
    cache[key] = (answer, scan.read)
    return answer

"""``render()``: a template, one of its blocks, or several blocks, as an HTML response.

One file serves the page and its partials::

    render(request, "posts/index.html", ctx)                   # the whole page
    render(request, "posts/index.html", ctx, block="rows")     # only {% block rows %}
    render(request, "posts/index.html", ctx, block=["rows", "count"])  # OOB updates
    render(request, "posts/index.html", ctx, fragment="rows")  # rows for htmx swaps,
                                                               # the page otherwise

With ``fragment=`` the choice follows :attr:`HtmxDetails.wants_fragment` and the
response carries ``Vary: HX-Request`` so caches keep the two bodies apart.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from weakref import WeakKeyDictionary

from jinja2 import Template, nodes
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import HTMLResponse

from shipyard.core.tracing import span
from shipyard.errors import ShipyardError
from shipyard.web.htmx.request import htmx
from shipyard.web.lazy_response import LazyHTMLResponse
from shipyard.web.templates import get_templates
from shipyard.web.viewer import template_reference, uses_viewer, viewer_pending

Blocks = str | Sequence[str] | None


def _block_names(block: Blocks) -> list[str]:
    if block is None:
        return []
    return [block] if isinstance(block, str) else list(block)


_ANCESTORS: WeakKeyDictionary[Template, tuple[Template, ...]] = WeakKeyDictionary()


def _parent_name(template: Template) -> str | None:
    """The name in the template's ``{% extends ... %}`` (None if absent or dynamic)."""
    env = template.environment
    if env.loader is None or template.name is None:
        return None
    source, _, _ = env.loader.get_source(env, template.name)
    extends = env.parse(source).find(nodes.Extends)
    return None if extends is None else template_reference(env, extends.template)


def ancestors(template: Template) -> tuple[Template, ...]:
    """The templates ``template`` extends, nearest first (cached per loaded template)."""
    cached = _ANCESTORS.get(template)
    if cached is not None and all(parent.is_up_to_date for parent in cached):
        return cached
    chain: list[Template] = []
    current = template
    while (parent_name := _parent_name(current)) is not None and len(chain) < 32:
        current = template.environment.get_template(parent_name)
        chain.append(current)
    _ANCESTORS[template] = tuple(chain)
    return tuple(chain)


def render_blocks(template: Template, names: Sequence[str], context: Mapping[str, Any]) -> str:
    """Render the named blocks of ``template`` (in order, concatenated) with ``context``.

    A block may be defined in the template or inherited from a layout it extends;
    nested blocks resolve to the most derived override, and ``super()`` works, as in a
    full render.
    """
    parts: list[str] = []
    for name in names:
        block_context = template.new_context(dict(context))
        for ancestor in ancestors(template):
            for block_name, function in ancestor.blocks.items():
                block_context.blocks.setdefault(block_name, []).append(function)
        if name not in block_context.blocks:
            available = ", ".join(sorted(block_context.blocks)) or "none"
            raise ShipyardError(
                f"template {template.name!r} has no block {name!r}",
                hint=f"define it in that template or a layout it extends (blocks: {available})",
            )
        parts.append("".join(block_context.blocks[name][0](block_context)))
    return "".join(parts)


def render_to_string(
    request: Request,
    template_name: str,
    context: Mapping[str, Any] | None = None,
    *,
    block: Blocks = None,
) -> Markup:
    """The rendered template (or blocks) as safe markup, e.g. to embed or send by SSE.

    ``current_user`` is the identity resolved so far: ``await resolve_viewer(request)``
    first when the markup shows who is logged in.
    """
    templates = get_templates(request.app)
    template = templates.env.get_template(template_name)
    values = templates.context(request, context)
    names = _block_names(block)
    with span(f"render {template_name}", {"shipyard.template": template_name}):
        if names:
            return Markup(render_blocks(template, names, values))  # noqa: S704  # nosec B704
        return Markup(template.render(values))  # noqa: S704  # nosec B704


def render(
    request: Request,
    template_name: str,
    context: Mapping[str, Any] | None = None,
    *,
    block: Blocks = None,
    fragment: Blocks = None,
    status_code: int = 200,
    headers: Mapping[str, str] | None = None,
) -> HTMLResponse:
    """Render a template to an :class:`HTMLResponse`.

    A template that shows ``current_user`` on a request whose identity is not resolved
    yet is rendered as the response is sent, after resolving it
    (:class:`~shipyard.web.lazy_response.LazyHTMLResponse`). ``block`` renders only those
    blocks. ``fragment`` renders those blocks for htmx
    swaps (htmx request, not boosted, not a history restore) and the whole page for
    everything else, adding ``Vary: HX-Request``. Giving both is an error.
    """
    if block is not None and fragment is not None:
        raise ShipyardError(
            "render() got both block= and fragment=",
            hint="block= always renders the blocks; fragment= picks them for htmx swaps only",
        )
    chosen = block
    if fragment is not None and htmx(request).wants_fragment:
        chosen = fragment
    response: HTMLResponse
    template = get_templates(request.app).env.get_template(template_name)
    if viewer_pending(request) and uses_viewer(template, _block_names(chosen)):
        response = LazyHTMLResponse(
            request,
            lambda: render_to_string(request, template_name, context, block=chosen),
            status_code=status_code,
            headers=headers,
        )
    else:
        body = render_to_string(request, template_name, context, block=chosen)
        response = HTMLResponse(body, status_code=status_code, headers=dict(headers or {}))
    if fragment is not None:
        response.headers.add_vary_header("HX-Request")
    return response

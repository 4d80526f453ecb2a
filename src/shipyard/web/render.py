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

from jinja2 import Template
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import HTMLResponse

from shipyard.errors import ShipyardError
from shipyard.web.htmx.request import htmx
from shipyard.web.templates import templates_for

Blocks = str | Sequence[str] | None


def _block_names(block: Blocks) -> list[str]:
    if block is None:
        return []
    return [block] if isinstance(block, str) else list(block)


def render_blocks(template: Template, names: Sequence[str], context: Mapping[str, Any]) -> str:
    """Render the named blocks of ``template`` (in order, concatenated) with ``context``."""
    missing = [name for name in names if name not in template.blocks]
    if missing:
        available = ", ".join(sorted(template.blocks)) or "none"
        raise ShipyardError(
            f"template {template.name!r} has no block {missing[0]!r}",
            hint=f"define it in that template (its blocks: {available})",
        )
    parts: list[str] = []
    for name in names:
        block_context = template.new_context(dict(context))
        parts.append("".join(template.blocks[name](block_context)))
    return "".join(parts)


def render_to_string(
    request: Request,
    template_name: str,
    context: Mapping[str, Any] | None = None,
    *,
    block: Blocks = None,
) -> Markup:
    """The rendered template (or blocks) as safe markup, e.g. to embed or send by SSE."""
    templates = templates_for(request.app)
    template = templates.env.get_template(template_name)
    values = templates.context(request, context)
    names = _block_names(block)
    if names:
        return Markup(render_blocks(template, names, values))
    return Markup(template.render(values))


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

    ``block`` renders only those blocks. ``fragment`` renders those blocks for htmx
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
    body = render_to_string(request, template_name, context, block=chosen)
    response = HTMLResponse(body, status_code=status_code, headers=dict(headers or {}))
    if fragment is not None:
        response.headers.add_vary_header("HX-Request")
    return response

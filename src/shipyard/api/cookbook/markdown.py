"""Descriptions from OpenAPI documents (CommonMark) as safe HTML for the cookbook page.

OpenAPI says descriptions are CommonMark; FastAPI fills them from docstrings. They are
rendered with markdown-it-py with raw HTML turned off (any tag in the text is shown as
text, escaped), its link check (no ``javascript:``, ``vbscript:``, ``file:`` or ``data:``
links) and no images (an image from another site would break the strict CSP's
``img-src``; its alt text stays).
"""

from __future__ import annotations

from functools import cache

from markdown_it import MarkdownIt
from markupsafe import Markup


@cache
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False}).disable("image")


def render_markdown(text: str, *, inline: bool = False) -> Markup:
    """``text`` (CommonMark) as HTML with every raw tag escaped; empty for empty text.

    ``inline=True`` renders the inline syntax only (no paragraphs, lists or headings),
    for text inside a label or a sentence.
    """
    if not text.strip():
        return Markup("")
    parser = _parser()
    html = parser.renderInline(text) if inline else parser.render(text)
    return Markup(html)  # noqa: S704  # nosec B704 - raw html is off

"""The HTML part's last steps: MJML compiled to responsive HTML, CSS moved inline.

``.mjml`` mail templates are rendered by Jinja first (so ``{% extends %}`` and
``{% include %}`` give layouts and components, and variables are autoescaped), then
compiled by MRML, the Rust port of MJML (``mjml-python``: no Node at run time). Every
HTML part then has the rules of its ``<style>`` blocks copied onto its elements'
``style`` attributes (``css-inline``), since many mail clients drop ``<style>``; the
blocks stay for the media queries that make MJML's layout responsive.
"""

from __future__ import annotations

import css_inline
from mjml import mjml2html

from shipyard.errors import ShipyardError


def _no_includes(path: str) -> str:
    raise ValueError(f"mj-include of {path!r}: include components with Jinja's {{% include %}}")


def compile_mjml(source: str, template: str) -> str:
    """The responsive HTML of an MJML document (``template`` names it in errors)."""
    try:
        return str(mjml2html(source, disable_comments=True, include_loader=_no_includes))
    except ValueError as error:
        raise ShipyardError(
            f"the MJML of {template} does not compile: {error}",
            hint=f"fix the markup of {template} (an <mjml><mj-body>... document; see "
            "https://documentation.mjml.io)",
        ) from error


_INLINER = css_inline.CSSInliner(keep_style_tags=True, load_remote_stylesheets=False)


def inline_css(html: str) -> str:
    """``html`` with its ``<style>`` rules also set inline (the blocks are kept)."""
    if "<style" not in html.lower():
        return html  # nothing to inline: leave the markup exactly as written
    return str(_INLINER.inline(html))

"""MJML mail templates: compiled to responsive HTML (MRML), CSS inlined, text derived."""

from __future__ import annotations

import pytest

from shipyard import App
from shipyard.errors import ShipyardError
from shipyard.mail.compile import inline_css

from .mails import SampleBadMjml, SampleMjml


async def test_an_mjml_mail_renders_responsive_html_and_a_text_part(app: App) -> None:
    message = SampleMjml(to="ann@example.com", name="Ann <b>", number=7).render(app)
    html = message.html or ""
    assert message.subject == "Order 7 shipped"
    assert "<mj-" not in html  # compiled
    assert "@media only screen and (min-width:480px)" in html  # the responsive switch
    assert "mj-column-per-50" in html  # two columns side by side on desktops
    assert 'name="viewport"' in html
    assert "Hello Ann &lt;b&gt;, order 7 is on its way." in html  # autoescaped
    assert 'href="https://app.example.com/dashboard"' in html
    assert "Your order has shipped." in html  # the preview line
    assert "Hello Ann <b>, order 7 is on its way." in message.text
    assert "[Track it](https://app.example.com/dashboard)" in message.text
    assert "<" not in message.text.replace("<b>", "")


async def test_css_of_style_blocks_is_inlined_and_the_blocks_kept(app: App) -> None:
    html = SampleMjml(to="ann@example.com", name="Ann", number=7).render(app).html or ""
    footer = html.split('class="footer"', 1)[1].split(">", 2)[1]
    assert "color: #666677 !important" in footer or "color:#666677" in footer
    assert "<style" in html  # media queries stay


def test_html_without_style_blocks_is_left_exactly_as_written() -> None:
    html = "<p>Hi</p>"
    assert inline_css(html) == html
    assert 'style="color: red;"' in inline_css("<style>p{color:red}</style><p>Hi</p>")


async def test_mjml_that_does_not_compile_names_the_template(app: App) -> None:
    with pytest.raises(ShipyardError) as caught:
        SampleBadMjml(to="ann@example.com").render(app)
    assert "mail/sample_bad_mjml.mjml" in str(caught.value)


async def test_mj_include_is_refused_use_jinja_include(app: App) -> None:
    from shipyard.mail.compile import compile_mjml

    with pytest.raises(ShipyardError, match="include"):
        compile_mjml('<mjml><mj-body><mj-include path="/etc/passwd" /></mj-body></mjml>', "x.mjml")

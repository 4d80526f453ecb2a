"""``uses_viewer``: which renders need the request's identity, read from the templates."""

from __future__ import annotations

import pytest
from jinja2 import DictLoader, Environment

from shipyard.web.viewer import uses_viewer

SOURCES = {
    "base.html": "<body>{% block header %}{% endblock %}{% block main %}{% endblock %}</body>",
    "app.html": '{% extends "base.html" %}{% block header %}{{ current_user }}{% endblock %}',
    "nav.html": "{% if current_identity %}you{% endif %}",
    "page.html": "{% extends layout %}{% block main %}{% block rows %}r{% endblock %}"
    "{% endblock %}",
    "plain.html": '{% extends "base.html" %}{% block main %}plain{% endblock %}',
    "includes.html": '{% include "nav.html" %}',
    "dynamic.html": "{% include chosen %}",
    "asks.html": '{% extends "base.html" %}{% block main %}{{ current_user }}{% endblock %}',
}


@pytest.fixture
def env() -> Environment:
    environment = Environment(loader=DictLoader(SOURCES), autoescape=True)
    environment.globals["layout"] = "app.html"
    return environment


@pytest.mark.parametrize(
    ("name", "blocks", "expected"),
    [
        ("page.html", (), True),  # through the layout global
        ("page.html", ("rows",), False),  # a fragment that does not show the user
        ("page.html", ("header",), True),
        ("plain.html", (), False),
        ("includes.html", (), True),
        ("dynamic.html", (), True),  # unknown until rendered: assume it asks
        ("asks.html", ("main",), True),
    ],
)
def test_uses_viewer(env: Environment, name: str, blocks: tuple[str, ...], expected: bool) -> None:
    assert uses_viewer(env.get_template(name), blocks) is expected

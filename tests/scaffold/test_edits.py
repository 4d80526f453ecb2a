"""Edits of shared files are idempotent and reversible: added once, removed without a trace."""

from __future__ import annotations

import pytest

from shipyard.scaffold import edits

ROUTES = '''"""Routes."""

from shipyard import App

from app import home


def register_routes(app: App) -> None:
    """Include every router of the app."""
    app.include_router(home.pages)
'''
LAYOUT = """<header>
  <nav>
    <a href="/">Home</a>
  </nav>
</header>
"""
MODELS = '''"""Models."""

from shipyard.db import Model

__all__ = ["Model"]
'''
SCENARIO = '''"""Scenario."""


class Scenario(BaseScenario):
    """Doc."""
'''
JOBS = '''"""Jobs."""


class Greet(Job):
    """Greet."""

    who: str
'''


def test_imports_go_in_sorted_order_once() -> None:
    text = edits.import_line(ROUTES, "from app.posts import pages as posts_pages")
    text = edits.import_line(text, "from app.books import pages as books_pages")
    again = edits.import_line(text, "from app.books import pages as books_pages")
    assert again == text
    lines = [line for line in text.splitlines() if line.startswith("from app")]
    assert lines == [
        "from app import home",
        "from app.books import pages as books_pages",
        "from app.posts import pages as posts_pages",
    ]
    removed = edits.import_line(
        edits.import_line(text, "from app.books import pages as books_pages", remove=True),
        "from app.posts import pages as posts_pages",
        remove=True,
    )
    assert removed == ROUTES


def test_registration_lines_end_the_function_once() -> None:
    line = "app.include_router(posts_pages.pages)"
    text = edits.append_to_function(ROUTES, "register_routes", line)
    assert edits.append_to_function(text, "register_routes", line) == text
    assert text.endswith(f"    {line}\n")
    assert edits.append_to_function(text, "register_routes", line, remove=True) == ROUTES


def test_navigation_links_are_added_once_and_removed() -> None:
    link = "<a href=\"{{ url_for('posts') }}\">Posts</a>"
    text = edits.nav_link(LAYOUT, link)
    assert edits.nav_link(text, link) == text
    assert text.index(link) < text.index("</nav>")
    assert edits.nav_link(text, link, remove=True) == LAYOUT


@pytest.mark.parametrize("count", [1, 30])
def test_all_stays_sorted_and_wraps_when_long(count: int) -> None:
    text = MODELS
    names = [f"Model{n:02d}" for n in range(count)]
    for name in reversed(names):
        text = edits.all_names(text, name)
    assert edits.all_names(text, names[0]) == text
    for name in names:
        text = edits.all_names(text, name, remove=True)
    assert text == MODELS


def test_scenario_methods_are_added_once_and_removed() -> None:
    method = '    def with_posts(self) -> None:\n        """Posts."""\n'
    other = '    def with_books(self) -> None:\n        """Books."""\n'
    text = edits.class_method(
        edits.class_method(SCENARIO, "with_posts", method), "with_books", other
    )
    assert edits.class_method(text, "with_posts", method) == text
    without_posts = edits.class_method(text, "with_posts", method, remove=True)
    assert "with_posts" not in without_posts
    assert "with_books" in without_posts
    assert edits.class_method(without_posts, "with_books", other, remove=True) == SCENARIO


def test_job_classes_are_appended_once_and_removed() -> None:
    job = '\n\nclass SendDigest(Job):\n    """Send."""\n'
    text = edits.top_level_class(JOBS, "SendDigest", job)
    assert edits.top_level_class(text, "SendDigest", job) == text
    assert edits.top_level_class(text, "SendDigest", job, remove=True) == JOBS


def test_navigation_links_go_above_the_marker_left_of_the_account_controls() -> None:
    layout = LAYOUT.replace(
        "  </nav>",
        f'    {edits.NAV_MARKER}\n    <span class="nav-account">Log in</span>\n  </nav>',
    )
    link = "<a href=\"{{ url_for('posts') }}\">Posts</a>"
    text = edits.nav_link(edits.nav_link(layout, link), '<a href="/tags">Tags</a>')
    assert text.index(link) < text.index('href="/tags"') < text.index(edits.NAV_MARKER)
    assert edits.nav_link(text, link) == text
    assert edits.nav_link(text, '<a href="/tags">Tags</a>', remove=True) == edits.nav_link(
        layout, link
    )


def test_extensions_are_added_once_to_the_apps_list() -> None:
    one_line = 'app = App(root=ROOT, extensions=[CookbookExtension(path="/api")])\n'
    added = edits.extension(edits.extension(one_line, "StorageExtension()"), "StorageExtension()")
    assert added == (
        'app = App(root=ROOT, extensions=[CookbookExtension(path="/api"), StorageExtension()])\n'
    )
    listed = "App(\n    extensions=[\n        AuthExtension(),\n    ],\n)\n"
    assert edits.extension(listed, "AttachmentsExtension()") == (
        "App(\n    extensions=[\n        AuthExtension(), AttachmentsExtension(),\n    ],\n)\n"
    )
    assert edits.extension("App(extensions=[])", "StorageExtension()") == (
        "App(extensions=[StorageExtension()])"
    )
    assert edits.extension("App()", "StorageExtension()") == "App()"

"""A resource scaffolded into a fresh project works in a real browser, under the strict CSP.

`shipyard new` (no accounts, so the pages are open), `shipyard scaffold crud Book ...`,
`shipyard db upgrade`, then `shipyard run` on a free port; Debian's Chromium lists,
adds (a validation error first, then corrected), edits, searches (htmx, debounced) and
deletes (after the confirmation dialog) books, with no CSP violation on the way.
"""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from tests.browser.conftest import Screenshot, watched_page
from tests.cli.support import SHIPYARD, generate

from shipyard.testing.services import free_port, running_server
from shipyard.testing.watch import WatchedPage

from .support import run_in, scaffold

pytestmark = [pytest.mark.browser, pytest.mark.slow]

FIELDS = ("title:string:80:unique", "author:string:80", "pages:integer:optional")


@contextmanager
def served(parent: Path, *scaffolds: tuple[str, ...]) -> Iterator[tuple[str, Path]]:
    """A fresh project (no accounts) with ``scaffolds``, migrated, run by ``shipyard run``.

    Yields its URL and its SQLite database.
    """
    root = generate(parent, "library", "--no-auth")
    for arguments in scaffolds:
        scaffold(root, *arguments)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    database = parent / "library.db"
    env = {key: value for key, value in os.environ.items() if not key.startswith("SHIPYARD_")}
    env.update(
        SHIPYARD_PROFILE="test",
        SHIPYARD_DATABASE__URL=f"sqlite+aiosqlite:///{database}",
        SHIPYARD_SECURITY__CSP_PRESET="strict",
    )
    run_in(root, "shipyard.cli.main", "db", "upgrade", env=env)
    command = [*SHIPYARD, "run", "--workers", "1", "--host", "127.0.0.1", "--port", str(port)]
    with running_server(
        command, probe=f"{url}/health", log=parent / "server.log", cwd=root, env=env
    ):
        yield url, database


@pytest.fixture(scope="module")
def project_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A fresh project with a scaffolded ``Book``."""
    with served(tmp_path_factory.mktemp("scaffold-browser"), ("crud", "Book", *FIELDS)) as (
        url,
        _,
    ):
        yield url


def add_book(page: Page, title: str, author: str) -> None:
    page.goto("/books/new")
    page.get_by_label("Title").fill(title)
    page.get_by_label("Author").fill(author)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Book")
    expect(page.locator("dl")).to_contain_text(title)


def test_a_scaffolded_resource_works_in_the_browser(
    browser: Browser, project_url: str, screenshot: Screenshot
) -> None:
    with watched_page(browser, project_url) as watched:
        run_through(watched, screenshot)
        watched.assert_no_csp_violations()


def run_through(watched: WatchedPage, screenshot: Screenshot) -> None:
    page = watched.page

    def shot(name: str) -> None:
        screenshot(page, name)

    # The list, empty, linked from the layout's navigation.
    page.goto("/")
    page.get_by_role("navigation").get_by_role("link", name="Books").click()
    expect(page).to_have_url(re.compile(r"/books$"))
    expect(page.locator("tr.empty")).to_have_text("No books yet.")
    shot("scaffold-books-empty")

    # Add: a missing title is answered next to the field, the typed author kept.
    page.get_by_role("link", name="New book").click()
    page.get_by_label("Author").fill("Herman Melville")
    page.get_by_role("button", name="Save").click()
    form = page.locator("#book-form")
    expect(form).to_contain_text("This field is required.")
    expect(page.get_by_label("Title")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Author")).to_have_value("Herman Melville")
    shot("scaffold-books-invalid")
    page.get_by_label("Title").fill("Moby-Dick")
    page.get_by_label("Pages").fill("635")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("dl")).to_contain_text("Moby-Dick")
    expect(page.locator("dl")).to_contain_text("635")

    # Edit.
    page.get_by_role("link", name="Edit").click()
    page.get_by_label("Title").fill("Moby-Dick; or, The Whale")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("dl")).to_contain_text("Moby-Dick; or, The Whale")
    shot("scaffold-books-show")

    # Search: typing narrows the rows without a reload, and the URL follows.
    add_book(page, "Treasure Island", "Robert Louis Stevenson")
    page.goto("/books")
    rows = page.locator("#book-rows tr")
    expect(rows).to_have_count(2)
    page.get_by_label("Search books").press_sequentially("whale", delay=20)
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Moby-Dick; or, The Whale")
    expect(page).to_have_url(re.compile(r"[?&]q=whale"))
    shot("scaffold-books-search")
    page.get_by_label("Search books").fill("nothing like this")
    expect(page.locator("tr.empty")).to_contain_text("No books match")

    # Delete: the dialog asks first; Cancel keeps the row, Confirm removes it.
    page.goto("/books")
    treasure = page.locator("#book-rows tr", has_text="Treasure Island")
    treasure.get_by_role("button", name="Delete").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Delete this book?")
    shot("scaffold-books-delete-dialog")
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_be_hidden()
    expect(treasure).to_have_count(1)
    treasure.get_by_role("button", name="Delete").click()
    dialog.get_by_role("button", name="Confirm").click()
    expect(treasure).to_have_count(0)
    expect(page.locator("#book-rows tr")).to_have_count(1)
    page.reload()
    expect(page.locator("#book-rows tr")).to_have_count(1)
    shot("scaffold-books-after-delete")


HARBOURS = 150  # more than a select shows (shipyard.forms.choices.SELECT_LIMIT)


@pytest.fixture(scope="module")
def large_reference_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A project whose ``Ship`` references ``Harbour``, a table too large for a select."""
    scaffolds = (
        ("crud", "Harbour", "name:string:80"),
        ("crud", "Ship", "name:string:80", "home:references:Harbour"),
    )
    with served(tmp_path_factory.mktemp("scaffold-reference"), *scaffolds) as (url, database):
        names = [(f"Harbour {number:03}",) for number in range(HARBOURS - 1)] + [("Zebra Quay",)]
        with closing(sqlite3.connect(database)) as connection, connection:
            connection.executemany("INSERT INTO harbours (name) VALUES (?)", names)
        yield url


def test_a_large_reference_is_chosen_by_searching_with_the_keyboard(
    browser: Browser, large_reference_url: str, screenshot: Screenshot
) -> None:
    with watched_page(browser, large_reference_url) as watched:
        page = watched.page
        page.goto("/ships/new")
        search = page.get_by_role("searchbox", name="Search home")
        options = page.get_by_role("radiogroup", name="Home").get_by_role("radio")
        expect(options).to_have_count(20)  # the first matches, not all 150 rows

        # Typing asks the server (htmx, debounced); Enter searches, it does not submit.
        page.get_by_role("textbox", name="Name").fill("Pequod")
        search.press_sequentially("zebra", delay=20)
        expect(options).to_have_count(1)
        search.press("Enter")
        expect(page).to_have_url(re.compile(r"/ships/new$"))
        expect(page.locator(".field-error")).to_have_count(0)
        # Enter's own search answers with the same match: let its swap land before Tab
        # (a slow answer would replace the radio Tab has just focused)
        page.wait_for_load_state("networkidle")

        # Tab reaches the matches; Space chooses one.
        search.press("Tab")
        zebra = page.get_by_role("radio", name="Zebra Quay")
        expect(zebra).to_be_focused()
        page.keyboard.press("Space")
        expect(zebra).to_be_checked()
        screenshot(page, "scaffold-reference-search")

        # A new search keeps the chosen harbour among the matches.
        search.fill("Harbour 00")
        expect(options).to_have_count(11)
        expect(zebra).to_be_checked()

        page.get_by_role("button", name="Save").click()
        expect(page.locator("dl")).to_contain_text("Zebra Quay")

        # Editing shows the current harbour chosen.
        page.get_by_role("link", name="Edit").click()
        expect(page.get_by_role("radio", name="Zebra Quay")).to_be_checked()
        watched.assert_no_csp_violations()

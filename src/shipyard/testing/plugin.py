"""The pytest plugin every Shipyard app gets (entry point ``pytest11: shipyard``).

Fixtures:

``app``
    The project's App, found like the CLI finds it, loaded with the ``test`` profile.
    Override it in ``conftest.py`` to build the app another way.
``started_app``
    ``app`` with its lifespan running; its test database gets its schema first, once per
    test session (the project's migrations, or the models when it has none).
``client``
    A :class:`~shipyard.testing.client.ShipyardClient` (an ``httpx.AsyncClient``) talking
    to ``app`` in-process, with the lifespan running; ``await client.as_user(user)`` and
    ``client.get_as(user, url)`` authenticate with real sessions, tokens or API keys.
``db_session``
    An ``AsyncSession`` inside a transaction that is rolled back after the test. While it
    is active every request's session joins the same transaction (through savepoints), so
    what requests write is rolled back too; so are database-backed login sessions.
``mail_outbox``
    The list of messages the app sends during the test (a ``MemoryMailer`` is put in
    the app's ``MAILER``).
``override_settings``
    ``override_settings(app__debug=True, ...)`` changes the app's settings until the end
    of the test.
``queued_jobs``
    The app's jobs held in memory, unrun, on a manual clock: ``await
    queued_jobs.pending(Welcome)``, ``await queued_jobs.run()``, ``await
    queued_jobs.advance(60)`` (see :mod:`shipyard.testing.jobs`).
``live_server``
    The base URL (``http://127.0.0.1:PORT``) of the project's app served by ``shipyard
    run`` with the ``test`` profile, once per test session (:mod:`shipyard.testing.live`).
``browser``
    The system's headless Chromium through Playwright, once per test module; skipped
    with the reason when Playwright or the browser is missing
    (:mod:`shipyard.testing.browser`).
``page``
    A Playwright ``Page`` in a fresh browser context (own cookies) whose base URL is
    ``live_server``: ``page.goto("/")``. A CSP violation or an uncaught JavaScript error
    on it fails the test (:mod:`shipyard.testing.watch`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import ExitStack
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page
    from sqlalchemy.ext.asyncio import AsyncSession

    from shipyard.core.app import AppBase
    from shipyard.mail import Message
    from shipyard.testing.client import ShipyardClient
    from shipyard.testing.jobs import QueuedJobs

try:
    import pytest_asyncio
except ImportError:  # pragma: no cover - exercised only without the testing extra
    HAS_PYTEST_ASYNCIO = False
else:
    HAS_PYTEST_ASYNCIO = True


@pytest.fixture
def app() -> AppBase:
    """The project's app, loaded with the ``test`` profile."""
    from shipyard.core.discovery import load_app

    return load_app(None, profile="test")


@pytest.fixture
def override_settings(app: AppBase) -> Iterator[Callable[..., None]]:
    """Call with setting changes (``database__echo=True``); undone after the test."""
    with ExitStack() as stack:

        def apply(**changes: Any) -> None:
            stack.enter_context(app.settings_holder.override(**changes))

        yield apply


@pytest.fixture
def mail_outbox(app: AppBase) -> Iterator[list[Message]]:
    """The messages the app sends during the test, oldest first."""
    from shipyard.testing.mail import memory_outbox

    with memory_outbox(app) as outbox:
        yield outbox


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The project's app on a real server; its base URL, without a trailing slash."""
    from shipyard.testing.live import serve_app
    from shipyard.testing.schema import MissingMigration

    try:
        with serve_app(tmp_path_factory.mktemp("live_server")) as url:
            yield url
    except MissingMigration as error:
        pytest.fail(str(error), pytrace=False)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """The system's headless Chromium (module scope: the sync Playwright driver stops
    before the next module's async tests use the event loop)."""
    from shipyard.testing.browser import launch_chromium

    with launch_chromium() as chromium:
        yield chromium


@pytest.fixture
def page(browser: Browser, live_server: str) -> Iterator[Page]:
    """A page in a new browser context, relative URLs resolved against ``live_server``;
    the test fails if a page broke the Content Security Policy or threw."""
    from shipyard.testing.watch import WatchedPage

    context = browser.new_context(base_url=live_server)
    try:
        watched = WatchedPage.attach(context.new_page())
        yield watched.page
    finally:
        context.close()
    watched.assert_no_csp_violations()


if HAS_PYTEST_ASYNCIO:

    @pytest_asyncio.fixture
    async def started_app(app: AppBase) -> AsyncIterator[AppBase]:
        """``app`` with its lifespan running and its test database given its schema."""
        from shipyard.db.extension import DATABASE
        from shipyard.testing.schema import MissingMigration, prepare_test_database

        async with app.router.lifespan_context(app):
            database = DATABASE.find(app)
            if database is not None:
                try:
                    await prepare_test_database(app, database)
                except MissingMigration as error:
                    pytest.fail(str(error), pytrace=False)
            yield app

    @pytest_asyncio.fixture
    async def client(started_app: AppBase) -> AsyncIterator[ShipyardClient]:
        """An HTTP client bound to the running app, in-process (no server)."""
        from shipyard.testing.client import ShipyardClient

        async with ShipyardClient(started_app) as http:
            yield http

    @pytest_asyncio.fixture
    async def queued_jobs(started_app: AppBase) -> AsyncIterator[QueuedJobs]:
        """The app's jobs held in memory and left unrun until the test runs them."""
        from shipyard.testing.jobs import hold_jobs

        async with hold_jobs(started_app) as queued:
            yield queued

    @pytest_asyncio.fixture
    async def db_session(started_app: AppBase) -> AsyncIterator[AsyncSession]:
        """A session whose work, and every request's, is rolled back after the test."""
        from shipyard.db import get_database
        from shipyard.db.isolation import rolled_back_session
        from shipyard.testing.isolation import isolated_sessions

        async with rolled_back_session(get_database(started_app)) as session:
            with isolated_sessions(started_app):
                yield session

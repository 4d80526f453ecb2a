"""``shipyard shell``: an async-aware Python REPL with the app started.

The namespace holds ``app``, ``settings``, ``db`` (the app's Database), ``session`` (an
AsyncSession; it connects on first use) and every model class mapped on
``shipyard.db.Model``, plus ``asyncio`` and SQLAlchemy's ``select``, ``func`` and
``text``. Top-level ``await`` works. IPython is used when installed (with
autoawait), otherwise a stdlib console compiling with ``PyCF_ALLOW_TOP_LEVEL_AWAIT``.
Both run each awaited cell on one event loop, the loop the app's lifespan started on.
"""

from __future__ import annotations

import ast
import asyncio
import code
import contextlib
import inspect
import types
from collections.abc import AsyncIterator, Coroutine
from typing import Annotated, Any

import sqlalchemy
import typer

from shipyard.cli.errors import handle_errors
from shipyard.core.app import AppBase
from shipyard.core.discovery import load_app


def register(cli: typer.Typer) -> None:
    """Add ``shell`` to the root command."""
    cli.command(
        "shell",
        epilog="Example: shipyard shell, then >>> await session.scalar(select(func.count()))",
    )(handle_errors(shell))


def shell(
    app: Annotated[str | None, typer.Option("--app", help="The app as module:attribute.")] = None,
    ipython: Annotated[
        bool,
        typer.Option("--ipython/--no-ipython", help="Use IPython when it is installed."),
    ] = True,
) -> None:
    """Open a Python shell with the app started and app, settings, db, session and the
    models loaded; top-level `await` works."""
    application = load_app(app)
    loop = asyncio.new_event_loop()
    stack = contextlib.AsyncExitStack()
    try:
        namespace = loop.run_until_complete(stack.enter_async_context(_started(application)))
        banner = "Shipyard shell: " + ", ".join(sorted(namespace)) + " (top-level await works)"
        if ipython and _ipython_available():
            _run_ipython(namespace, loop, banner)
        else:
            AsyncConsole(namespace, loop).interact(banner=banner, exitmsg="")
    finally:
        loop.run_until_complete(stack.aclose())
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.close()


@contextlib.asynccontextmanager
async def _started(application: AppBase) -> AsyncIterator[dict[str, Any]]:
    """Run the app's lifespan and yield the shell namespace; close the session after."""
    from shipyard.db import get_database

    async with application.router.lifespan_context(application):
        database = get_database(application)
        async with database.sessionmaker() as session:
            namespace: dict[str, Any] = model_classes()
            namespace.update(
                app=application,
                settings=application.settings,
                db=database,
                session=session,
                asyncio=asyncio,
                select=sqlalchemy.select,
                func=sqlalchemy.func,
                text=sqlalchemy.text,
            )
            yield namespace


def model_classes() -> dict[str, type[Any]]:
    """Every class mapped on ``shipyard.db.Model``, by class name (first one wins)."""
    from shipyard.db import Model

    found: dict[str, type[Any]] = {}
    for mapper in sorted(Model.registry.mappers, key=lambda m: m.class_.__qualname__):
        found.setdefault(mapper.class_.__name__, mapper.class_)
    return found


class AsyncConsole(code.InteractiveConsole):
    """A stdlib console where top-level ``await`` runs on ``loop`` (like ``python -m asyncio``)."""

    def __init__(self, namespace: dict[str, Any], loop: asyncio.AbstractEventLoop) -> None:
        super().__init__(namespace)
        self.compile.compiler.flags |= ast.PyCF_ALLOW_TOP_LEVEL_AWAIT
        self.loop = loop

    def runcode(self, code: types.CodeType) -> None:
        """Run one compiled input; if it awaited something, drive it on the loop."""
        try:
            result = types.FunctionType(code, self.locals)()
            if inspect.iscoroutine(result):
                self.loop.run_until_complete(result)
        except SystemExit:
            raise
        except BaseException:
            self.showtraceback()


def _ipython_available() -> bool:
    try:
        import IPython  # noqa: F401
    except ImportError:
        return False
    return True


def _run_ipython(namespace: dict[str, Any], loop: asyncio.AbstractEventLoop, banner: str) -> None:
    from IPython import start_ipython
    from traitlets.config import Config

    def run_on_loop(coroutine: Coroutine[Any, Any, Any]) -> Any:
        return loop.run_until_complete(coroutine)

    config = Config()
    config.TerminalInteractiveShell.autoawait = True
    config.TerminalInteractiveShell.loop_runner = run_on_loop
    config.TerminalInteractiveShell.banner2 = banner
    config.TerminalIPythonApp.display_banner = True
    start_ipython(argv=[], user_ns=namespace, config=config)

"""`AppBase`: the FastAPI application every extension builds on.

It holds the current settings, the extension registry, the template and static
directories contributed by the app and its extensions (``<root>/app/templates`` and
``<root>/app/static`` first when they exist), the declared middleware plan and the
lifespan (extensions start in registration order and stop in reverse, each shutdown
bounded by ``server.graceful_timeout``). It registers no extension itself:
:class:`shipyard.App` is ``AppBase`` plus the default batteries. Extensions type their
hooks against ``AppBase``, so they never import the composer.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping, Sequence
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Self, TypeVar

from fastapi import Depends, FastAPI, Request
from starlette.middleware import Middleware
from starlette.routing import BaseRoute
from starlette.types import ASGIApp

from shipyard.config import Settings, SettingsHolder
from shipyard.core.lifespan import Lifespan, as_context, lifespan_state, run_handlers
from shipyard.core.methods import HeadFallback, HeadResponses
from shipyard.core.middleware import MiddlewarePlan, Placement
from shipyard.core.openapi import OperationHook, document_operations
from shipyard.core.server_errors import AnsweredErrors
from shipyard.extension import Extension, discover_plugins

if TYPE_CHECKING:
    import typer  # the CLI's: a server worker never imports it

logger = logging.getLogger("shipyard.app")

Hook = Callable[["AppBase"], Awaitable[None]]
AppT = TypeVar("AppT", bound="AppBase")
SelfHook = Callable[[AppT], Awaitable[None]]
"""A start-up or shutdown hook, typed against the app's own class."""
ExtensionT = TypeVar("ExtensionT", bound=Extension)


class AppBase(FastAPI):
    """A FastAPI app configured from Shipyard settings and extended by extensions.

    ``settings=`` skips loading; otherwise settings come from ``config/`` under ``root``
    (the current directory by default) for the profile in ``SHIPYARD_PROFILE``.
    ``extensions`` are registered in order, after any given by a subclass through
    :meth:`default_extensions` and the installed plugins.
    """

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        root: Path | str | None = None,
        profile: str | None = None,
        settings_class: type[Settings] = Settings,
        extensions: Sequence[Extension] = (),
        lifespan: Lifespan | None = None,
        **fastapi_options: Any,
    ) -> None:
        self.root = Path(root).resolve() if root is not None else Path.cwd()
        if settings is None:
            self.settings_holder = SettingsHolder.load(
                root=self.root, profile=profile, settings_class=settings_class
            )
        else:
            self.settings_holder = SettingsHolder.of(settings, root=self.root)
        current = self.settings_holder.current
        fastapi_options.setdefault("title", current.app.name)
        # True when the app itself passed debug=True (it gets Starlette's traceback page).
        self.debug_requested: bool = bool(fastapi_options.get("debug", False))
        fastapi_options.setdefault("debug", current.app.debug and not current.is_production)
        fastapi_options["telemetry"] = {  # FastAPI's own spans, when a tracer provider is set
            "operation_spans": current.tracing.operation_spans,
            **(fastapi_options.get("telemetry") or {}),
        }
        # The lifespan yields state (a mapping) or None, both of which Starlette accepts.
        super().__init__(lifespan=self._lifespan, **fastapi_options)  # type: ignore[arg-type]
        self._user_lifespan = lifespan
        self.extensions: list[Extension] = []
        self.template_dirs: list[Path] = []
        self.static_dirs: list[Path] = []
        self.cli_groups: list[typer.Typer] = []
        self.middleware_plan = MiddlewarePlan()
        self._fallback_routes: list[BaseRoute] = []
        # Starlette re-raises an exception after its 500 went out, so that test clients
        # raise it; the servers of `shipyard dev`/`run` turn this off (see AnsweredErrors).
        self.reraise_answered_errors = True
        self._startup_hooks: list[Hook] = []
        self._shutdown_hooks: list[Hook] = []
        self.openapi_hooks: list[OperationHook] = []
        self.openapi_security_schemes: dict[str, dict[str, Any]] = {}
        for extension in self.default_extensions():
            self.add_extension(extension)
        if current.app.plugins_autoload:
            for plugin in discover_plugins(current.app.disabled_plugins):
                self.add_extension(plugin)
        for extension in extensions:
            self.add_extension(extension)
        self._add_conventional_dirs()

    def default_extensions(self) -> list[Extension]:
        """The extensions every app of this class gets first (none for ``AppBase``)."""
        return []

    # -- settings ---------------------------------------------------------------------

    @property
    def settings(self) -> Settings:
        """The current settings (hot reload and ``override_settings`` swap them)."""
        return self.settings_holder.current

    # -- extension registry -----------------------------------------------------------

    def add_extension(self, extension: Extension) -> None:
        """Register an extension and run its ``setup`` hook now."""
        self.extensions.append(extension)
        extension.setup(self)
        group = extension.cli()
        if group is not None:
            self.cli_groups.append(group)

    def extension(self, kind: type[ExtensionT]) -> ExtensionT:
        """The registered extension of the given class; LookupError if there is none."""
        found = self.find_extension(kind)
        if found is None:
            raise LookupError(f"no {kind.__name__} is registered on this app")
        return found

    def find_extension(self, kind: type[ExtensionT]) -> ExtensionT | None:
        """The registered extension of the given class, or None."""
        for extension in self.extensions:
            if isinstance(extension, kind):
                return extension
        return None

    # -- middleware -------------------------------------------------------------------

    def use_middleware(
        self,
        slot: str,
        middleware: Any,
        *,
        placement: Placement = "at",
        **options: Any,
    ) -> None:
        """Put ``middleware`` at (or ``before``/``after``) a slot of the declared order.

        The order is :data:`shipyard.core.middleware.MIDDLEWARE_ORDER`, whatever the
        order extensions register in. ``app.add_middleware`` still adds the app's own
        middleware around all of it.
        """
        self.middleware_plan.add(slot, placement, Middleware(middleware, **options))

    def build_middleware_stack(self) -> ASGIApp:
        """Starlette's stack, with the declared framework middleware inside the app's own.

        Built when the app first runs (its lifespan or first request); fallback routes are
        moved behind the app's own routes at that moment. ``HEAD`` support
        (:mod:`shipyard.core.methods`) wraps the whole stack and sits just before routing.
        Unless ``reraise_answered_errors`` is on (as it is for test clients), the error
        layer is :class:`AnsweredErrors`, so an answered 500 leaves the connection usable.
        """
        self._put_fallback_routes_last()
        own = self.user_middleware
        self.user_middleware = [*own, *self.middleware_plan.stack(), Middleware(HeadFallback)]
        try:
            stack = super().build_middleware_stack()
            if not self.reraise_answered_errors:
                stack = AnsweredErrors.replacing(stack)
            return HeadResponses(stack)
        finally:
            self.user_middleware = own

    # -- routes -----------------------------------------------------------------------

    @contextmanager
    def behind_app_routes(self) -> Iterator[None]:
        """Routes added inside this block are matched after every route of the app.

        The framework adds its public static mount and its pages this way, so an app's own
        route at the same path wins (as it would in a plain FastAPI app), and the app's
        requests never pay for matching the framework's routes first.
        """
        before = {id(route) for route in self.router.routes}
        try:
            yield
        finally:
            self._fallback_routes.extend(
                route for route in self.router.routes if id(route) not in before
            )

    def _put_fallback_routes_last(self) -> None:
        routes = self.router.routes
        present = {id(route) for route in routes}
        fallbacks = [route for route in self._fallback_routes if id(route) in present]
        moved = {id(route) for route in fallbacks}
        routes[:] = [route for route in routes if id(route) not in moved] + fallbacks

    # -- OpenAPI ----------------------------------------------------------------------

    def add_openapi_hook(self, hook: OperationHook) -> None:
        """Run ``hook`` on every operation of the app's OpenAPI documents."""
        if hook not in self.openapi_hooks:
            self.openapi_hooks.append(hook)

    def add_security_scheme(self, name: str, scheme: Mapping[str, Any]) -> None:
        """Declare a way to authenticate (an OpenAPI Security Scheme Object).

        Operations that need a logged-in caller (``current_user`` and what builds on it)
        list every declared scheme as alternatives in their ``security``.
        """
        self.openapi_security_schemes[name] = dict(scheme)

    def openapi(self) -> dict[str, Any]:
        """FastAPI's document, with the problems and media types of each operation.

        See :mod:`shipyard.core.openapi`; built when FastAPI builds its own (once, and again
        after the routes change).
        """
        previous = self.openapi_schema
        document = super().openapi()
        if document is not previous:
            document_operations(self, document, self.routes)
        return document

    # -- templates and static files ---------------------------------------------------

    def add_template_dir(self, directory: Path | str, *, override: bool = False) -> None:
        """Add a template directory; ``override=True`` puts it before the others."""
        path = Path(directory)
        if override:
            self.template_dirs.insert(0, path)
        else:
            self.template_dirs.append(path)

    def add_static_dir(self, directory: Path | str, *, override: bool = False) -> None:
        """Add a static-file directory; ``override=True`` puts it before the others."""
        path = Path(directory)
        if override:
            self.static_dirs.insert(0, path)
        else:
            self.static_dirs.append(path)

    def _add_conventional_dirs(self) -> None:
        """Put ``<root>/app/templates`` and ``<root>/app/static`` first, if they exist."""
        package = self.root / "app"
        if (package / "templates").is_dir():
            self.add_template_dir(package / "templates", override=True)
        if (package / "static").is_dir():
            self.add_static_dir(package / "static", override=True)

    # -- lifespan ---------------------------------------------------------------------

    def on_startup(
        self, hook: Callable[[Self], Awaitable[None]]
    ) -> Callable[[Self], Awaitable[None]]:
        """Run ``hook(app)`` after every extension has started (usable as a decorator)."""
        self._startup_hooks.append(hook)  # type: ignore[arg-type]  # called with self
        return hook

    def on_shutdown(
        self, hook: Callable[[Self], Awaitable[None]]
    ) -> Callable[[Self], Awaitable[None]]:
        """Run ``hook(app)`` before the extensions stop (usable as a decorator)."""
        self._shutdown_hooks.append(hook)  # type: ignore[arg-type]  # called with self
        return hook

    @asynccontextmanager
    async def _lifespan(self, _: FastAPI) -> AsyncIterator[Mapping[str, Any] | None]:
        """Extensions, ``app.on_startup`` hooks, FastAPI's event handlers, the user's lifespan.

        Shutdown runs the same steps backwards; the state the user's lifespan yields
        reaches ``request.state`` as in any FastAPI app.
        """
        started: list[Extension] = []
        handlers_started = False
        try:
            for extension in self.extensions:
                await extension.startup(self)
                started.append(extension)
            for hook in self._startup_hooks:
                await hook(self)
            await run_handlers(self.router.on_startup)
            handlers_started = True
            if self._user_lifespan is None:
                yield None
            else:
                async with as_context(self._user_lifespan)(self) as state:
                    yield lifespan_state(state)
        finally:
            if handlers_started:
                await self._bounded(run_handlers(self.router.on_shutdown), "shutdown handlers")
            for hook in reversed(self._shutdown_hooks):
                await self._bounded(hook(self), f"shutdown hook {hook.__qualname__}")
            for extension in reversed(started):
                await self._bounded(extension.shutdown(self), f"extension {extension.label}")

    async def _bounded(self, step: Awaitable[None], what: str) -> None:
        """Run one shutdown step within the grace period; log, never raise, on failure."""
        timeout = self.settings.server.graceful_timeout
        try:
            await asyncio.wait_for(step, timeout=timeout)
        except TimeoutError:
            logger.warning("%s did not stop within %.1fs; moving on", what, timeout)
        except Exception:
            logger.exception("%s failed while stopping", what)


def get_settings(request: Request) -> Settings:
    """FastAPI dependency: the settings of the app serving this request."""
    settings: Settings = request.app.settings
    return settings


SettingsDep = Annotated[Settings, Depends(get_settings)]

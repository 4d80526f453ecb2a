"""`shipyard.App`: a FastAPI application built from settings, plus the extension registry.

The App owns the lifespan (extensions start in registration order and stop in reverse,
each shutdown bounded by ``server.graceful_timeout``), the list of template and static
directories contributed by the app and its extensions (``<root>/app/templates`` and
``<root>/app/static`` are added first when they exist), and the current settings.
It is a FastAPI subclass, so any plain FastAPI router or dependency works unchanged.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from fastapi import Depends, FastAPI, Request

from shipyard.config import Settings, SettingsHolder
from shipyard.extension import Extension, discover_plugins

logger = logging.getLogger("shipyard.app")

Hook = Callable[["App"], Awaitable[None]]
Lifespan = Callable[[FastAPI], AbstractAsyncContextManager[Any]]
ExtensionT = TypeVar("ExtensionT", bound=Extension)


def _builtin_extensions() -> list[Extension]:
    from shipyard.authz.extension import AuthzExtension
    from shipyard.config.reload import ConfigReloadExtension
    from shipyard.db.extension import DatabaseExtension
    from shipyard.jobs.extension import JobsExtension
    from shipyard.security.extension import SecurityExtension
    from shipyard.security.ratelimit.extension import RateLimitExtension
    from shipyard.web.extension import WebExtension

    return [
        DatabaseExtension(),
        ConfigReloadExtension(),
        WebExtension(),
        SecurityExtension(),
        RateLimitExtension(),
        AuthzExtension(),
        JobsExtension(),
    ]


class App(FastAPI):
    """A FastAPI app configured from Shipyard settings and extended by extensions.

    ``App()`` loads settings from ``config/`` under ``root`` (the current directory by
    default) for the profile in ``SHIPYARD_PROFILE``; pass ``settings=`` to skip loading.
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
        fastapi_options.setdefault("debug", current.app.debug and not current.is_production)
        super().__init__(lifespan=self._lifespan, **fastapi_options)
        self._user_lifespan = lifespan
        self.extensions: list[Extension] = []
        self.template_dirs: list[Path] = []
        self.static_dirs: list[Path] = []
        self.cli_groups: list[typer.Typer] = []
        self._startup_hooks: list[Hook] = []
        self._shutdown_hooks: list[Hook] = []
        for extension in _builtin_extensions():
            self.add_extension(extension)
        if current.app.plugins_autoload:
            for plugin in discover_plugins(current.app.disabled_plugins):
                self.add_extension(plugin)
        for extension in extensions:
            self.add_extension(extension)
        self._add_conventional_dirs()

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
        for extension in self.extensions:
            if isinstance(extension, kind):
                return extension
        raise LookupError(f"no {kind.__name__} is registered on this app")

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

    def on_startup(self, hook: Hook) -> Hook:
        """Run ``hook(app)`` after every extension has started (usable as a decorator)."""
        self._startup_hooks.append(hook)
        return hook

    def on_shutdown(self, hook: Hook) -> Hook:
        """Run ``hook(app)`` before the extensions stop (usable as a decorator)."""
        self._shutdown_hooks.append(hook)
        return hook

    # -- lifespan ---------------------------------------------------------------------

    @asynccontextmanager
    async def _lifespan(self, _: FastAPI) -> AsyncIterator[None]:
        started: list[Extension] = []
        try:
            for extension in self.extensions:
                await extension.startup(self)
                started.append(extension)
            for hook in self._startup_hooks:
                await hook(self)
            if self._user_lifespan is None:
                yield
            else:
                async with self._user_lifespan(self):
                    yield
        finally:
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
    app: App = request.app
    return app.settings


SettingsDep = Annotated[Settings, Depends(get_settings)]

"""Hot reload of configuration: watch ``config/`` and ``.env``, reload the settings on change.

:class:`ConfigWatcher` runs ``watchfiles.awatch`` in a background task and calls
:meth:`SettingsHolder.areload` after each (debounced) batch of changes.
:class:`ConfigReloadExtension` starts it with the app when ``config.hot_reload`` is true,
or unset and the profile is ``development``; it stops with the app.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from pathlib import Path
from typing import TYPE_CHECKING

from shipyard.config.holder import SettingsHolder
from shipyard.config.models import Settings
from shipyard.extension import Extension

if TYPE_CHECKING:
    from shipyard.core.app import AppBase

logger = logging.getLogger("shipyard.config")


def hot_reload_enabled(settings: Settings) -> bool:
    """``config.hot_reload`` if set, else on for the development profile only."""
    if settings.config.hot_reload is not None:
        return settings.config.hot_reload
    return settings.profile == "development"


def _is_config_file(_: object, path: str) -> bool:
    name = Path(path).name
    return name == ".env" or name.endswith(".toml")


class ConfigWatcher:
    """Reloads a holder whenever its config files change, until stopped."""

    def __init__(self, holder: SettingsHolder, *, debounce_ms: int = 1600) -> None:
        self.holder = holder
        self.debounce_ms = debounce_ms
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def paths(self) -> list[Path]:
        """The existing paths to watch: ``<root>/config`` and ``<root>/.env``."""
        candidates = [self.holder.root / "config", self.holder.root / ".env"]
        return [path for path in candidates if path.exists()]

    def start(self) -> bool:
        """Start watching in a background task; False if there is nothing to watch."""
        paths = self.paths()
        if not paths:
            logger.info("hot reload: no config/ directory or .env file to watch")
            return False
        self._stop.clear()
        self._task = asyncio.get_running_loop().create_task(self._watch(paths))
        logger.info("hot reload: watching %s", ", ".join(map(str, paths)))
        return True

    async def stop(self) -> None:
        """Stop watching and wait for the task to finish."""
        if self._task is None:
            return
        self._stop.set()
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        self._task = None

    async def _watch(self, paths: list[Path]) -> None:
        from watchfiles import awatch  # only a watching app pays for watchfiles' imports

        try:
            async for changes in awatch(
                *paths,
                watch_filter=_is_config_file,
                debounce=self.debounce_ms,
                stop_event=self._stop,
            ):
                names = ", ".join(sorted({Path(path).name for _, path in changes}))
                logger.info("hot reload: %s changed", names)
                await self.holder.areload()
        except asyncio.CancelledError:
            raise
        except Exception:
            logger.exception("hot reload stopped: the config watcher failed")


class ConfigReloadExtension(Extension):
    """Watches the app's configuration while it runs (development by default)."""

    name = "config-reload"

    def __init__(self, *, debounce_ms: int = 1600) -> None:
        self.debounce_ms = debounce_ms
        self.watcher: ConfigWatcher | None = None

    async def startup(self, app: AppBase) -> None:
        holder = app.settings_holder
        if not (holder.can_reload and hot_reload_enabled(holder.current)):
            return
        watcher = ConfigWatcher(holder, debounce_ms=self.debounce_ms)
        if watcher.start():
            self.watcher = watcher

    async def shutdown(self, app: AppBase) -> None:
        if self.watcher is not None:
            await self.watcher.stop()
            self.watcher = None

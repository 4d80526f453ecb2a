""":class:`SettingsHolder`: the current settings of one app, swappable at run time.

Hot reload (:meth:`SettingsHolder.reload`) re-reads every source and swaps the settings in
one assignment, or keeps the old ones and logs why. :meth:`SettingsHolder.override` and
:func:`override_settings` swap in changed settings for the duration of a ``with`` block.
The most recently created holder is the default target of :func:`override_settings`.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import threading
from collections.abc import Awaitable, Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from shipyard.config.errors import ConfigError, Problem
from shipyard.config.loader import LoadedSettings, load
from shipyard.config.models import Settings
from shipyard.config.sources import KeyPath, Source
from shipyard.config.validation import problems_from

logger = logging.getLogger("shipyard.config")

ReloadHook = Callable[[Settings, Settings], Awaitable[None] | None]

_default_holder: SettingsHolder | None = None
_background: set[asyncio.Task[None]] = set()


class SettingsHolder:
    """Holds the current :class:`Settings` of an app and where each value came from."""

    def __init__(
        self,
        settings: Settings,
        *,
        root: Path,
        provenance: Mapping[str, Source] | None = None,
        settings_class: type[Settings] | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        global _default_holder
        self.root = root
        self._settings = settings
        self._provenance: Mapping[str, Source] = provenance or {}
        self._settings_class = settings_class
        self._environ = environ
        self._profile = settings.profile
        self._hooks: list[ReloadHook] = []
        self._lock = threading.Lock()
        _default_holder = self

    @classmethod
    def load(
        cls,
        root: Path,
        profile: str | None = None,
        settings_class: type[Settings] = Settings,
        environ: Mapping[str, str] | None = None,
    ) -> SettingsHolder:
        """Load settings from every source under ``root``; ConfigError if they are invalid."""
        loaded = load(Path(root), profile, settings_class, environ)
        return cls(
            loaded.settings,
            root=Path(root).resolve(),
            provenance=loaded.provenance,
            settings_class=settings_class,
            environ=environ,
        )

    @classmethod
    def of(cls, settings: Settings, root: Path | str = ".") -> SettingsHolder:
        """Hold settings built in code; they have no sources, so reload keeps them."""
        return cls(settings, root=Path(root).resolve())

    @property
    def current(self) -> Settings:
        """The settings in effect now."""
        return self._settings

    @property
    def provenance(self) -> Mapping[str, Source]:
        """Dotted key -> the :class:`Source` its current value came from."""
        return self._provenance

    @property
    def can_reload(self) -> bool:
        """True when the settings were loaded from files and variables (not built in code)."""
        return self._settings_class is not None

    def on_reload(self, callback: ReloadHook) -> ReloadHook:
        """Call ``callback(old, new)`` (sync or async) after each successful reload."""
        self._hooks.append(callback)
        return callback

    def reload(self) -> bool:
        """Re-read every source; swap and run the hooks, or keep the old settings and log why.

        Async hooks are scheduled on the running event loop (or run to completion when
        there is none). Returns True if new settings are in effect.
        """
        loaded = self._load_again()
        if loaded is None:
            return False
        for pending in self._swap(loaded):
            _run_soon(pending)
        return True

    async def areload(self) -> bool:
        """Like :meth:`reload`, reading sources in a thread and awaiting async hooks."""
        loaded = await asyncio.to_thread(self._load_again)
        if loaded is None:
            return False
        for pending in self._swap(loaded):
            try:
                await pending
            except Exception:
                logger.exception("an on_reload hook failed")
        return True

    def _load_again(self) -> LoadedSettings | None:
        if self._settings_class is None:
            logger.info("settings were built in code; there is nothing to reload")
            return None
        try:
            return load(self.root, self._profile, self._settings_class, self._environ)
        except ConfigError as exc:
            logger.error("configuration reload failed; keeping the previous settings: %s", exc)
            return None

    def _swap(self, loaded: LoadedSettings) -> list[Awaitable[None]]:
        with self._lock:
            old = self._settings
            self._settings, self._provenance = loaded.settings, loaded.provenance
            hooks = list(self._hooks)
        logger.info("configuration reloaded (profile %s)", loaded.profile)
        pending: list[Awaitable[None]] = []
        for hook in hooks:
            try:
                result = hook(old, loaded.settings)
            except Exception:
                logger.exception("an on_reload hook failed")
                continue
            if inspect.isawaitable(result):
                pending.append(result)
        return pending

    @contextmanager
    def override(self, **changes: Any) -> Iterator[Settings]:
        """Use settings with ``changes`` applied inside the block, then restore the previous.

        Keys nest with ``__`` (``database__echo=True``) or take a dict
        (``database={"echo": True}``).
        """
        previous = self._settings
        self._settings = _changed(previous, changes, self.root)
        try:
            yield self._settings
        finally:
            self._settings = previous


@contextmanager
def override_settings(target: Any = None, **changes: Any) -> Iterator[Settings]:
    """Override settings of ``target`` (a SettingsHolder or an App) for a ``with`` block.

    Without a target, the most recently created holder is used::

        with override_settings(app, database__echo=True, app={"debug": True}):
            ...
    """
    holder = _holder_of(target)
    with holder.override(**changes) as settings:
        yield settings


def default_holder() -> SettingsHolder | None:
    """The most recently created holder, if any."""
    return _default_holder


def _holder_of(target: Any) -> SettingsHolder:
    if target is None:
        if _default_holder is None:
            raise ConfigError(
                [Problem("no settings are loaded yet, so there is nothing to override")],
                hint="create the App first or pass it to override_settings(app, ...)",
            )
        return _default_holder
    if isinstance(target, SettingsHolder):
        return target
    holder = getattr(target, "settings_holder", None)
    if isinstance(holder, SettingsHolder):
        return holder
    raise TypeError(f"override_settings() needs an App or a SettingsHolder, not {target!r}")


def _changed(settings: Settings, changes: Mapping[str, Any], root: Path) -> Settings:
    data = settings.model_dump()
    sources: dict[KeyPath, Source] = {}
    for name, value in changes.items():
        path = tuple(name.split("__"))
        sources[path] = Source("override")
        node = data
        for part in path[:-1]:
            if not isinstance(node.get(part), dict):
                node[part] = {}
            node = node[part]
        node[path[-1]] = _merged(node.get(path[-1]), value)
    try:
        return type(settings).model_validate(data)
    except ValidationError as exc:
        raise ConfigError(problems_from(exc, type(settings), sources, root)) from None


def _merged(old: Any, new: Any) -> Any:
    """``new`` laid over ``old``, recursively when both are dicts."""
    if isinstance(old, dict) and isinstance(new, Mapping):
        return {**old, **{key: _merged(old.get(key), value) for key, value in new.items()}}
    return new


def _run_soon(pending: Awaitable[None]) -> None:
    async def guarded() -> None:
        try:
            await pending
        except Exception:
            logger.exception("an on_reload hook failed")

    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        asyncio.run(guarded())
        return
    task = loop.create_task(guarded())
    _background.add(task)
    task.add_done_callback(_background.discard)

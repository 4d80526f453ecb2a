"""Finding the user's application for the CLI: ``load_app(spec)``.

The spec (``module:attribute``) comes from, in order: the ``--app`` option, the
``SHIPYARD_APP`` environment variable, ``[tool.shipyard] app = "..."`` in
``./pyproject.toml``, and finally the default ``app.main:app``. The attribute may be a
:class:`shipyard.App` or a zero-argument factory returning one. Every failure is a
:class:`~shipyard.errors.ShipyardError` that names the spec and how to fix it; an error
raised while importing the user's own code is reported as that error, not as "not found".
"""

from __future__ import annotations

import importlib
import os
import sys
import tomllib
import traceback
from pathlib import Path
from typing import Any

from shipyard.core.app import AppBase
from shipyard.errors import ShipyardError

DEFAULT_SPEC = "app.main:app"
APP_ENV = "SHIPYARD_APP"
PROFILE_ENV = "SHIPYARD_PROFILE"
POINT_AT_APP = (
    'pass --app module:attribute, set SHIPYARD_APP, or add [tool.shipyard] app = "..." '
    "to pyproject.toml"
)


def resolve_spec(spec: str | None, root: Path | None = None) -> str:
    """The app spec from the argument, ``SHIPYARD_APP``, pyproject.toml, or the default."""
    if spec:
        return spec
    from_env = os.environ.get(APP_ENV)
    if from_env:
        return from_env
    pyproject = (root or Path.cwd()) / "pyproject.toml"
    if pyproject.is_file():
        try:
            data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ShipyardError(f"{pyproject} is not valid TOML: {exc}") from exc
        configured = data.get("tool", {}).get("shipyard", {}).get("app")
        if configured is not None:
            if not isinstance(configured, str) or not configured:
                raise ShipyardError(
                    f"[tool.shipyard] app in {pyproject} must be a 'module:attribute' string"
                )
            return configured
    return DEFAULT_SPEC


def split_spec(spec: str) -> tuple[str, str]:
    """Split ``module:attribute`` into its parts, rejecting malformed specs."""
    module, sep, attribute = spec.partition(":")
    if not sep or not module or not attribute:
        raise ShipyardError(
            f"app spec {spec!r} must look like 'module:attribute' (e.g. {DEFAULT_SPEC!r})",
            hint=POINT_AT_APP,
        )
    return module, attribute


def load_app(spec: str | None, *, profile: str | None = None) -> AppBase:
    """Import and return the user's :class:`App` (see the module docstring for lookup)."""
    if profile:
        os.environ[PROFILE_ENV] = profile
    resolved = resolve_spec(spec)
    module_name, attribute = split_spec(resolved)
    cwd = str(Path.cwd())
    if cwd not in sys.path:
        sys.path.insert(0, cwd)
    importlib.invalidate_caches()
    module = _import(module_name, resolved)
    target: Any = module
    for part in attribute.split("."):
        try:
            target = getattr(target, part)
        except AttributeError:
            raise ShipyardError(
                f"module {module_name!r} has no attribute {attribute!r} (app spec {resolved!r})",
                hint=POINT_AT_APP,
            ) from None
    if not isinstance(target, AppBase) and callable(target):
        target = _call_factory(target, resolved)
    if not isinstance(target, AppBase):
        raise ShipyardError(
            f"{resolved!r} is a {type(target).__name__}, not a shipyard.App",
            hint="point it at `app = shipyard.App(...)` or a function returning one",
        )
    return target


def _import(module_name: str, spec: str) -> Any:
    try:
        return importlib.import_module(module_name)
    except ShipyardError:
        raise
    except ModuleNotFoundError as exc:
        if exc.name is not None and _is_prefix(exc.name, module_name):
            raise ShipyardError(
                f"cannot import module {module_name!r} for app spec {spec!r} from {Path.cwd()}",
                hint=f"run the command in your project folder or {POINT_AT_APP}",
            ) from None
        raise _user_error(exc, f"importing {module_name!r}") from exc
    except Exception as exc:
        raise _user_error(exc, f"importing {module_name!r}") from exc


def _call_factory(factory: Any, spec: str) -> Any:
    try:
        return factory()
    except ShipyardError:
        raise
    except TypeError as exc:
        raise ShipyardError(
            f"{spec!r} is callable but calling it without arguments failed: {exc}",
            hint="point it at an App or a zero-argument factory returning one",
        ) from exc
    except Exception as exc:
        raise _user_error(exc, f"calling app factory {spec!r}") from exc


def _is_prefix(missing: str, module_name: str) -> bool:
    """True if ``missing`` is ``module_name`` or one of its parent packages."""
    return module_name == missing or module_name.startswith(missing + ".")


def _user_error(exc: BaseException, doing: str) -> ShipyardError:
    """A one-line error for an exception raised by the user's code, with its location."""
    frames = [
        frame
        for frame in traceback.extract_tb(exc.__traceback__)
        if not frame.filename.startswith("<frozen")
    ]
    where = f" at {frames[-1].filename}:{frames[-1].lineno}" if frames else ""
    detail = str(exc).strip().splitlines()
    message = detail[0] if detail else ""
    return ShipyardError(
        f"{doing} raised {type(exc).__name__}: {message}{where}",
        hint="fix the error in your code and try again",
    )

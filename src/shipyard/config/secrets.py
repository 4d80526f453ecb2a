"""Secret references (``secret://PROVIDER/NAME[#key]``) and the providers that resolve them.

Built in: ``env`` (an environment variable), ``file`` (a file's stripped content; relative
paths start at the project root, absolute ones are written ``secret://file//run/x``) and
``aws`` (AWS Secrets Manager, see :mod:`shipyard.config.aws`). Others (Vault, GCP, Azure
Key Vault...) plug in with :func:`register_secret_provider` or the
``shipyard.secret_providers`` entry-point group (name = scheme; value = a provider instance,
a provider class or a zero-argument factory).

A provider raises :class:`~shipyard.errors.ShipyardError` (message + hint) when it cannot
resolve a name; the resolver turns that into a :class:`Problem` naming the key.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from shipyard.config.errors import Problem
from shipyard.config.sources import KeyPath, Layer, Source, dotted, leaves
from shipyard.errors import ShipyardError

ENTRY_POINT_GROUP = "shipyard.secret_providers"
SCHEME = "secret://"
_REFERENCE = re.compile(r"secret://(?P<provider>[A-Za-z0-9_.+-]+)/(?P<name>[^#]+)(?:#(?P<key>.+))?")


@runtime_checkable
class SecretProvider(Protocol):
    """Looks secrets up by name; raises ShipyardError(message, hint=...) when it cannot."""

    def resolve(self, name: str) -> str:
        """The secret's value."""
        ...


_registry: dict[str, SecretProvider] = {}


def register_secret_provider(scheme: str, provider: SecretProvider) -> None:
    """Make ``secret://SCHEME/...`` resolve through ``provider`` (replaces built-ins too)."""
    if not isinstance(provider, SecretProvider):
        raise TypeError(f"{provider!r} has no resolve(name) method")
    _registry[scheme] = provider


def unregister_secret_provider(scheme: str) -> None:
    """Forget a provider registered with :func:`register_secret_provider`."""
    _registry.pop(scheme, None)


class EnvSecretProvider:
    """``secret://env/NAME``: the value of environment variable NAME."""

    def __init__(self, environ: Mapping[str, str]) -> None:
        self._environ = environ

    def resolve(self, name: str) -> str:
        value = self._environ.get(name)
        if value is None:
            raise ShipyardError(
                f"environment variable {name} is not set", hint=f"export {name}=..."
            )
        return value


class FileSecretProvider:
    """``secret://file/PATH``: a file's content, stripped; relative to the project root."""

    def __init__(self, root: Path) -> None:
        self._root = root

    def resolve(self, name: str) -> str:
        path = self._root / name
        try:
            return path.read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            raise ShipyardError(
                f"file {path} does not exist", hint="create it or fix the path"
            ) from None
        except (OSError, UnicodeDecodeError) as exc:
            raise ShipyardError(f"cannot read {path}: {exc}", hint="check the file") from exc


def _from_entry_point(scheme: str) -> SecretProvider | None:
    for entry_point in entry_points(group=ENTRY_POINT_GROUP, name=scheme):
        plugin = f"secret provider plugin {scheme!r} ({entry_point.value})"
        try:
            loaded: Any = entry_point.load()
            is_instance = isinstance(loaded, SecretProvider) and not isinstance(loaded, type)
            provider: object = loaded if is_instance else loaded()
        except Exception as exc:
            raise ShipyardError(
                f"{plugin} failed to load: {exc}", hint="reinstall the package that provides it"
            ) from exc
        if not isinstance(provider, SecretProvider):
            raise ShipyardError(
                f"{plugin} has no resolve(name) method",
                hint="the entry point must name a provider, its class or a factory",
            )
        register_secret_provider(scheme, provider)
        return provider
    return None


@dataclass
class SecretResolver:
    """Resolves every reference of one load, fetching each distinct secret once."""

    builtins: Mapping[str, Callable[[], SecretProvider]]
    _providers: dict[str, SecretProvider] = field(default_factory=dict)
    _cache: dict[tuple[str, str], str] = field(default_factory=dict)

    def provider(self, scheme: str) -> SecretProvider | None:
        if scheme not in self._providers:
            chosen = _registry.get(scheme)
            if chosen is None and scheme in self.builtins:
                chosen = self.builtins[scheme]()
            if chosen is None:
                chosen = _from_entry_point(scheme)
            if chosen is None:
                return None
            self._providers[scheme] = chosen
        return self._providers[scheme]

    def resolve(self, reference: str) -> str:
        """The value behind ``reference``; ShipyardError with a hint when it has none."""
        match = _REFERENCE.fullmatch(reference)
        if match is None:
            raise ShipyardError(
                "malformed secret reference", hint="write secret://PROVIDER/NAME[#key]"
            )
        scheme, name, key = match.group("provider", "name", "key")
        provider = self.provider(scheme)
        if provider is None:
            known = sorted({*self.builtins, *_registry})
            raise ShipyardError(
                f"unknown secret provider {scheme!r}",
                hint=f"use one of {', '.join(known)} or register one with "
                f"register_secret_provider() or the {ENTRY_POINT_GROUP} entry points",
            )
        if (scheme, name) not in self._cache:
            self._cache[scheme, name] = provider.resolve(name)
        value = self._cache[scheme, name]
        return value if key is None else _json_member(value, key)

    def resolve_layer(self, merged: Layer, problems: list[Problem], root: Path) -> Layer:
        """A layer holding the resolved value of every ``secret://`` string in ``merged``."""
        layer = Layer()
        for path, value in _references(merged.data):
            origin = merged.sources.get(path)
            try:
                resolved = self.resolve(value)
            except ShipyardError as exc:
                reason = f"{exc.message}; fix: {exc.hint}" if exc.hint else exc.message
            except Exception as exc:
                reason = f"the provider failed: {type(exc).__name__}: {exc}"
            else:
                layer.set(path, resolved, Source("secret_ref", name=value, via=origin))
                continue
            problems.append(
                Problem(
                    f"cannot resolve {value}: {reason}",
                    key=dotted(path),
                    source=origin.describe(root) if origin else None,
                )
            )
        return layer


def _json_member(value: str, key: str) -> str:
    try:
        document = json.loads(value)
    except json.JSONDecodeError:
        raise ShipyardError(
            f"the secret is not a JSON object, so it has no key {key!r}",
            hint="drop the #key part",
        ) from None
    if not isinstance(document, dict) or key not in document:
        keys = ", ".join(sorted(document)) if isinstance(document, dict) else "none"
        raise ShipyardError(f"the secret has no key {key!r}", hint=f"use one of its keys: {keys}")
    member = document[key]
    return member if isinstance(member, str) else json.dumps(member)


def _references(data: Mapping[str, Any]) -> list[tuple[KeyPath, str]]:
    return [
        (path, value)
        for path, value in leaves(data)
        if isinstance(value, str) and value.startswith(SCHEME)
    ]

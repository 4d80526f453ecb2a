"""Loading settings: pick the profile, stack every source, resolve secrets, validate once.

Sources, lowest first: model defaults, ``config/settings.toml``,
``config/settings.{profile}.toml``, ``config/settings.local.toml``, ``.env``
(``SHIPYARD_*`` only), environment variables, the secrets directory, then ``secret://``
references. Every problem found is reported together in one :class:`ConfigError`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from shipyard.config.aws import AwsSecretProvider
from shipyard.config.environment import (
    PROFILE_VAR,
    SECRETS_DIR_VAR,
    read_dotenv,
    secrets_dir_layer,
    shipyard_variables,
    variables_layer,
)
from shipyard.config.errors import ConfigError, Problem
from shipyard.config.models import Settings
from shipyard.config.plugin_sections import with_plugin_sections
from shipyard.config.production import production_problems
from shipyard.config.secrets import (
    EnvSecretProvider,
    FileSecretProvider,
    SecretProvider,
    SecretResolver,
)
from shipyard.config.sources import (
    KeyPath,
    Layer,
    MergedLayers,
    Source,
    dotted,
    leaves,
    lookup,
)
from shipyard.config.toml_file import read_toml
from shipyard.config.validation import problems_from

BUILTIN_PROFILES = ("development", "test", "production")
DEFAULT_PROFILE = "development"
_PROFILE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")


@dataclass(frozen=True)
class LoadedSettings:
    """Validated settings plus the source of every leaf (dotted key -> Source)."""

    settings: Settings
    provenance: Mapping[str, Source]
    profile: str


def load_settings(
    root: Path | str = ".",
    profile: str | None = None,
    settings_class: type[Settings] = Settings,
    environ: Mapping[str, str] | None = None,
) -> Settings:
    """Load and validate the settings of the project at ``root``; ConfigError if invalid."""
    return load(Path(root), profile, settings_class, environ).settings


def load(
    root: Path,
    profile: str | None = None,
    settings_class: type[Settings] = Settings,
    environ: Mapping[str, str] | None = None,
    *,
    production_rules: bool = True,
) -> LoadedSettings:
    """Like :func:`load_settings`, also returning where each value came from.

    Installed plugins' settings sections are added to ``settings_class`` first.
    ``production_rules=False`` reads a production profile without refusing its unsafe
    values (``shipyard scaffold deployment`` reads it before the secrets exist).
    """
    settings_class = with_plugin_sections(settings_class)
    root = root.resolve()
    env = os.environ if environ is None else environ
    dotenv, dotenv_sources = read_dotenv(root / ".env")
    chosen, profile_source = _choose_profile(profile, env, dotenv, dotenv_sources)
    config_dir = root / "config"
    _check_profile(chosen, config_dir)
    problems: list[Problem] = []
    merged = MergedLayers()
    unreadable = False
    for name in ("settings.toml", f"settings.{chosen}.toml", "settings.local.toml"):
        path = config_dir / name
        if path.is_file():
            try:
                merged.apply(_without_profile(read_toml(path, root), problems, root))
            except ConfigError as exc:
                problems.extend(exc.problems)
                unreadable = True
    env_sources = {name: Source("env", name=name) for name in env}
    for variables, sources in ((dotenv, dotenv_sources), (shipyard_variables(env), env_sources)):
        merged.apply(variables_layer(variables, settings_class, sources, problems, root))
    secrets_dir = _secrets_dir(merged, env, root)
    if secrets_dir is not None:
        merged.apply(_read_secrets_dir(secrets_dir, merged, env, settings_class, problems, root))
    merged.apply(_resolver(merged, env, root).resolve_layer(merged, problems, root))
    merged.set(("profile",), chosen, profile_source)
    if unreadable:
        raise ConfigError(problems, profile=chosen)  # validating half the files would mislead
    try:
        settings = settings_class.model_validate(merged.data)
    except ValidationError as exc:
        reported = {problem.key for problem in problems}
        found = problems_from(exc, settings_class, merged.sources, root)
        problems.extend(problem for problem in found if problem.key not in reported)
    else:
        if production_rules:
            problems.extend(production_problems(settings, merged.sources, root))
    if problems:
        raise ConfigError(problems, profile=chosen)
    return LoadedSettings(settings, _provenance(settings, merged.sources), chosen)


def available_profiles(config_dir: Path) -> list[str]:
    """The built-in profiles plus every ``settings.NAME.toml`` found in ``config_dir``."""
    found = set(BUILTIN_PROFILES)
    if config_dir.is_dir():
        for path in config_dir.glob("settings.*.toml"):
            name = path.name.removeprefix("settings.").removesuffix(".toml")
            if name != "local" and _PROFILE_NAME.fullmatch(name):
                found.add(name)
    return sorted(found)


def _choose_profile(
    explicit: str | None,
    environ: Mapping[str, str],
    dotenv: Mapping[str, str],
    dotenv_sources: Mapping[str, Source],
) -> tuple[str, Source]:
    if explicit is not None:
        return explicit, Source("argument", name="profile")
    if PROFILE_VAR in environ:
        return environ[PROFILE_VAR], Source("env", name=PROFILE_VAR)
    if PROFILE_VAR in dotenv:
        return dotenv[PROFILE_VAR], dotenv_sources[PROFILE_VAR]
    return DEFAULT_PROFILE, Source("default")


def _check_profile(profile: str, config_dir: Path) -> None:
    known = available_profiles(config_dir)
    if profile in known:
        return
    raise ConfigError(
        [Problem(f"unknown profile {profile!r}; available: {', '.join(known)}", key="profile")],
        profile=profile,
        hint=f"pick one of those, or create config/settings.{profile}.toml",
    )


def _without_profile(layer: Layer, problems: list[Problem], root: Path) -> Layer:
    source = layer.sources.pop(("profile",), None)
    if layer.data.pop("profile", None) is not None and source is not None:
        problems.append(
            Problem(
                f"the profile cannot be set in a settings file; use {PROFILE_VAR} or --profile",
                key="profile",
                source=source.describe(root),
            )
        )
    return layer


def _secrets_dir(merged: MergedLayers, environ: Mapping[str, str], root: Path) -> Path | None:
    configured = environ.get(SECRETS_DIR_VAR) or merged.get(("config", "secrets_dir"))
    if not configured or not isinstance(configured, str):
        return None
    return root / configured


def _read_secrets_dir(
    directory: Path,
    merged: MergedLayers,
    environ: Mapping[str, str],
    settings_class: type[Settings],
    problems: list[Problem],
    root: Path,
) -> Layer:
    if directory.is_dir():
        return secrets_dir_layer(directory, settings_class, problems, root)
    if SECRETS_DIR_VAR in environ:
        where = f"environment variable {SECRETS_DIR_VAR}"
    else:
        origin = merged.sources.get(("config", "secrets_dir"))
        where = origin.describe(root) if origin else "config.secrets_dir"
    problems.append(
        Problem(
            f"the secrets directory {directory} does not exist; create it or fix the path",
            key="config.secrets_dir",
            source=where,
        )
    )
    return Layer()


def _resolver(merged: MergedLayers, environ: Mapping[str, str], root: Path) -> SecretResolver:
    region = merged.get(("config", "aws_region"))
    endpoint = merged.get(("config", "aws_endpoint_url"))
    builtins: dict[str, Callable[[], SecretProvider]] = {
        "env": lambda: EnvSecretProvider(environ),
        "file": lambda: FileSecretProvider(root),
        "aws": lambda: AwsSecretProvider(
            environ,
            region=region if isinstance(region, str) else None,
            endpoint_url=endpoint if isinstance(endpoint, str) else None,
        ),
    }
    return SecretResolver(builtins)


def _provenance(settings: Settings, sources: Mapping[KeyPath, Source]) -> dict[str, Source]:
    found: dict[str, Source] = {}
    for path, _ in leaves(settings.model_dump()):
        found[dotted(path)] = lookup(sources, path) or Source("default")
    return found

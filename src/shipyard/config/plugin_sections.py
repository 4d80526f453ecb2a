"""Settings sections contributed by installed packages (``shipyard.settings`` entry points).

A plugin that needs settings publishes its section class::

    [project.entry-points."shipyard.settings"]
    billing = "shipyard_billing.settings:BillingSettings"

and ``[billing]`` in ``config/settings.toml`` (or ``SHIPYARD_BILLING__KEY``) is then
validated like a built-in section: typed, documented, unknown keys refused with a
suggestion. The loader extends the app's settings class with those sections before it
validates, so ``app.settings.billing`` is a ``BillingSettings``. Without the package, the
section is an unknown key, as any typo would be.
"""

from __future__ import annotations

from functools import cache
from importlib.metadata import entry_points
from typing import Any

from pydantic import Field, create_model

from shipyard.config.models import Settings
from shipyard.config.sections.base import Section
from shipyard.errors import ShipyardError

SETTINGS_GROUP = "shipyard.settings"


@cache
def with_plugin_sections(settings_class: type[Settings]) -> type[Settings]:
    """``settings_class`` plus a field per installed plugin section it does not define."""
    sections: dict[str, Any] = {}
    for entry_point in sorted(entry_points(group=SETTINGS_GROUP), key=lambda ep: ep.name):
        if entry_point.name in settings_class.model_fields:
            continue
        section = _load(entry_point.name, entry_point.value, entry_point.load)
        summary = (section.__doc__ or "").strip().splitlines()[:1]
        sections[entry_point.name] = (
            section,
            Field(default_factory=section, description=" ".join(summary) or None),
        )
    if not sections:
        return settings_class
    extended: type[Settings] = create_model(
        settings_class.__name__,
        __base__=settings_class,
        __module__=settings_class.__module__,
        **sections,
    )
    return extended


def _load(name: str, value: str, load: Any) -> type[Section]:
    try:
        loaded = load()
    except Exception as exc:
        raise ShipyardError(
            f"settings section {name!r} ({value}) failed to import: {exc}",
            hint="reinstall the package that provides it",
        ) from exc
    if not (isinstance(loaded, type) and issubclass(loaded, Section)):
        raise ShipyardError(
            f"settings section {name!r} ({value}) is not a shipyard Section subclass",
            hint="the shipyard.settings entry point must name a Section subclass",
        )
    return loaded

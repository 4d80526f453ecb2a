"""The extension protocol: how every subsystem, and third-party packages, plug into an App.

An extension is an object with any of these hooks (all optional)::

    class Billing(Extension):
        name = "billing"

        def setup(self, app: AppBase) -> None:      # at construction: routers, middleware
            app.include_router(router)                # (app.use_middleware), templates...
            app.add_template_dir(Path(__file__).parent / "templates")

        async def startup(self, app: AppBase) -> None:  # in the lifespan: open pools
            ...

        async def shutdown(self, app: AppBase) -> None: # in reverse order: close them
            ...

        def cli(self) -> typer.Typer | None:        # a command group for `shipyard`
            return billing_cli

        def checks(self, app, *, deploy):           # findings for `shipyard check`
            return [Finding("billing.W001", "warning", "no API key", "set billing.key")]

        def migrations(self, app):                  # its tables' Alembic branch
            return [BILLING_TABLES]                   # (a MigrationBranch)

        def readiness_checks(self, app):            # what /ready must reach
            return [ReadinessCheck("billing", ping_billing_api)]

Installed packages publish extensions through the ``shipyard.plugins`` entry-point group;
the entry point names an :class:`Extension` subclass, an instance, or a zero-argument factory.
"""

from __future__ import annotations

from collections.abc import Iterable
from importlib.metadata import EntryPoint, entry_points
from typing import TYPE_CHECKING, Any

from shipyard.errors import ShipyardError

if TYPE_CHECKING:
    import typer

    from shipyard.core.app import AppBase
    from shipyard.core.checks import Finding
    from shipyard.core.health import ReadinessCheck
    from shipyard.db.branches import MigrationBranch

PLUGIN_GROUP = "shipyard.plugins"


class Extension:
    """Base class with do-nothing hooks; subclasses override what they need."""

    name: str = ""

    def setup(self, app: AppBase) -> None:
        """Register routers, middleware, template and static directories."""

    async def startup(self, app: AppBase) -> None:
        """Open connections and pools; runs inside the app's lifespan."""

    async def shutdown(self, app: AppBase) -> None:
        """Close what ``startup`` opened; runs in reverse registration order."""

    def cli(self) -> typer.Typer | None:
        """A typer command group added to the ``shipyard`` command, or None."""
        return None

    def checks(self, app: AppBase, *, deploy: bool) -> Iterable[Finding]:
        """Findings about ``app``'s set-up (``shipyard check``); ``deploy``: going live."""
        return ()

    def migrations(self, app: AppBase) -> Iterable[MigrationBranch]:
        """The migration branches of the tables this extension owns (``shipyard db upgrade``)."""
        return ()

    def readiness_checks(self, app: AppBase) -> Iterable[ReadinessCheck]:
        """The dependencies ``/ready`` probes for this extension (database, Redis...)."""
        return ()

    @property
    def label(self) -> str:
        """The name used in logs and error messages."""
        return self.name or type(self).__name__


def _instantiate(entry_point: EntryPoint) -> Extension:
    try:
        loaded: Any = entry_point.load()
    except Exception as exc:
        raise ShipyardError(
            f"plugin {entry_point.name!r} ({entry_point.value}) failed to import: {exc}",
            hint="reinstall the package or add it to app.disabled_plugins",
        ) from exc
    candidate = loaded() if callable(loaded) else loaded
    if not isinstance(candidate, Extension):
        raise ShipyardError(
            f"plugin {entry_point.name!r} ({entry_point.value}) is not a shipyard Extension",
            hint="the entry point must name an Extension subclass, instance or factory",
        )
    if not candidate.name:
        candidate.name = entry_point.name
    return candidate


def discover_plugins(disabled: list[str] | tuple[str, ...] = ()) -> list[Extension]:
    """Instantiate every installed ``shipyard.plugins`` entry point not listed in ``disabled``."""
    found = sorted(entry_points(group=PLUGIN_GROUP), key=lambda ep: ep.name)
    return [_instantiate(ep) for ep in found if ep.name not in disabled]

"""Typed services: the one way an app keeps and finds its shared objects.

A :class:`Service` names one object an app holds (its database, job queue, session
store, limiter...) and its type. The object lives in ``app.state.shipyard_<name>``: the
``shipyard_`` prefix leaves every plain name (``app.state.db``...) to the app itself, as
in any FastAPI app. A plain FastAPI app or a test provides one by hand with
:meth:`Service.provide`, and every subsystem fetches it the same way::

    DATABASE = Service("database", Database, "database", started_by="the database extension")

    def get_database(app: Starlette) -> Database:
        return DATABASE.get(app)

    DatabaseDep = Annotated[Database, Depends(DATABASE.dependency)]

:meth:`Service.get` raises a :class:`~shipyard.errors.ShipyardError` that says who
provides the service and how, instead of an ``AttributeError`` from ``app.state``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar, cast

from starlette.applications import Starlette
from starlette.requests import HTTPConnection

from shipyard.errors import ShipyardError

T = TypeVar("T")


class Service(Generic[T]):
    """One named, typed object of an app, kept in ``app.state.shipyard_<name>``.

    By convention the module-level constant holding it is the name in capitals
    (``Service("database", ...)`` is ``DATABASE``): error hints name it.
    """

    def __init__(
        self,
        name: str,
        kind: type[T],
        label: str,
        *,
        started_by: str = "",
        hint: str | None = None,
    ) -> None:
        self.name = name
        self._accepted: object = None
        self.attribute = f"shipyard_{name}"
        self.kind = kind
        self.label = label
        self.started_by = started_by
        self.hint = hint or (
            "run the app's lifespan (a server, or TestClient as a context manager),"
            f" or provide one by hand: {name.upper()}.provide(app, ...)"
        )

    def find(self, app: Starlette) -> T | None:
        """The app's object, or None when it has none (yet)."""
        value = getattr(app.state, self.attribute, None)
        if value is not None and value is self._accepted:
            return cast(T, value)  # checked already: a Protocol's isinstance is slow
        if not isinstance(value, self.kind):
            return None
        self._accepted = value
        return value

    def get(self, app: Starlette) -> T:
        """The app's object; a :class:`ShipyardError` naming the fix when it is missing."""
        value = self.find(app)
        if value is None:
            what = f"this app has no {self.label}"
            if self.started_by:
                what += f" yet: {self.started_by} creates it when the app starts"
            raise ShipyardError(what, hint=self.hint)
        return value

    def provide(self, app: Starlette, value: T) -> T:
        """Publish ``value`` as the app's object (replacing any earlier one)."""
        setattr(app.state, self.attribute, value)
        return value

    def withdraw(self, app: Starlette, value: T) -> None:
        """Remove the app's object if it is still ``value`` (someone may have replaced it)."""
        if getattr(app.state, self.attribute, None) is value:
            delattr(app.state, self.attribute)

    def get_or_create(self, app: Starlette, create: Callable[[], T]) -> T:
        """The app's object, created by ``create()`` and published on first use."""
        existing = self.find(app)
        return existing if existing is not None else self.provide(app, create())

    def dependency(self, connection: HTTPConnection) -> T:
        """FastAPI dependency: the object of the app serving this request."""
        return self.get(connection.app)

    def __repr__(self) -> str:
        return f"Service({self.name!r}, {self.kind.__name__})"

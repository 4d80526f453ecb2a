"""Typed services: kept in app.state, fetched with a message that names the fix."""

from __future__ import annotations

from typing import Annotated

import pytest
from fastapi import Depends, FastAPI
from fastapi.testclient import TestClient

from shipyard.core.services import Service
from shipyard.errors import ShipyardError


class Clock:
    """A stand-in service."""


CLOCK = Service("clock", Clock, "clock", started_by="the clock extension")


def test_get_returns_what_was_provided() -> None:
    app = FastAPI()
    clock = CLOCK.provide(app, Clock())
    assert CLOCK.get(app) is clock
    assert app.state.shipyard_clock is clock  # app.state.clock stays the app's own


def test_a_missing_service_names_who_provides_it_and_how() -> None:
    with pytest.raises(ShipyardError, match="no clock yet: the clock extension") as error:
        CLOCK.get(FastAPI())
    assert "CLOCK.provide(app, ...)" in (error.value.hint or "")


def test_a_value_of_the_wrong_type_is_not_the_service() -> None:
    app = FastAPI()
    app.state.shipyard_clock = "not a clock"
    assert CLOCK.find(app) is None


def test_the_apps_own_state_names_are_left_alone() -> None:
    app = FastAPI()
    app.state.clock = Clock()
    assert CLOCK.find(app) is None


def test_withdraw_leaves_a_replacement_alone() -> None:
    app = FastAPI()
    first = CLOCK.provide(app, Clock())
    second = CLOCK.provide(app, Clock())
    CLOCK.withdraw(app, first)
    assert CLOCK.get(app) is second
    CLOCK.withdraw(app, second)
    assert CLOCK.find(app) is None


def test_get_or_create_creates_once() -> None:
    app = FastAPI()
    made = CLOCK.get_or_create(app, Clock)
    assert CLOCK.get_or_create(app, Clock) is made


def test_the_dependency_serves_the_requests_app() -> None:
    app = FastAPI()
    clock = CLOCK.provide(app, Clock())
    seen: list[Clock] = []

    @app.get("/")
    def endpoint(found: Annotated[Clock, Depends(CLOCK.dependency)]) -> None:
        seen.append(found)

    assert TestClient(app).get("/").status_code == 200
    assert seen == [clock]

"""Building routes: OpenAPI shapes, configuration mistakes, conflict details."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.exc import IntegrityError
from tests.api.resource.conftest import harbours, make_app, vessels
from tests.api.resource.models import HarbourIn, HarbourOut, ResourceHarbour

from shipyard.api.query import Listing
from shipyard.api.resource import Resource, conflict_detail, partial_model
from shipyard.db import Database
from shipyard.errors import ShipyardError


def test_openapi_documents_status_codes_models_and_problems(tmp_path: Path) -> None:
    app = make_app(Database.__new__(Database), tmp_path)
    paths = app.openapi()["paths"]
    assert set(paths) == {"/vessels", "/vessels/{id}", "/harbours", "/harbours/{id}"}
    create = paths["/vessels"]["post"]
    assert set(create["responses"]) == {"201", "409", "422", "429"}  # 429: under the global limit
    assert "application/problem+json" in create["responses"]["409"]["content"]
    assert paths["/vessels/{id}"]["delete"]["responses"]["204"].get("content") is None
    item_schema = paths["/vessels"]["get"]["responses"]["200"]["content"]["application/json"]
    assert item_schema["schema"]["$ref"].endswith("Page_VesselOutFields_")
    (id_param,) = paths["/vessels/{id}"]["get"]["parameters"]
    assert id_param["schema"]["maximum"] == 2**31 - 1
    assert {p["name"] for p in paths["/vessels"]["get"]["parameters"]} >= {"sort", "cursor"}


def test_partial_models_make_every_field_optional_down_to_nested_ones() -> None:
    from tests.api.resource.models import VesselOut

    partial = partial_model(VesselOut)
    assert partial.model_validate({}).model_fields_set == set()
    assert partial.model_validate({"harbour": {"name": "N"}}).model_dump(exclude_unset=True) == {
        "harbour": {"name": "N"}
    }
    assert partial_model(VesselOut) is partial


def test_unknown_operations_are_refused() -> None:
    with pytest.raises(ShipyardError, match="unknown operation"):
        harbours.router("/h", operations=["list", "replace"])  # type: ignore[list-item]
    with pytest.raises(ShipyardError, match="unknown operation"):
        harbours.router("/h", dependencies_for={"purge": []})  # type: ignore[dict-item]


def test_a_subset_of_operations(tmp_path: Path) -> None:
    router = vessels.router("/v", operations=["list", "get"])
    assert {(route.path, *route.methods) for route in router.routes} == {  # type: ignore[attr-defined]
        ("/v", "GET"),
        ("/v/{id}", "GET"),
    }


def test_listing_of_another_model_is_refused() -> None:
    with pytest.raises(ShipyardError, match="declares ResourceVessel"):
        Resource(
            ResourceHarbour,
            listing=vessels.listing,
            schema_out=HarbourOut,
            schema_create=HarbourIn,
            schema_update=HarbourIn,
        )
    assert Listing(ResourceHarbour).model is ResourceHarbour


class _Cause(Exception):
    detail = "Key (name)=(Fram) already exists."


def _integrity(message: str, cause: Exception | None = None) -> IntegrityError:
    orig: Any = Exception(message)
    orig.__cause__ = cause
    return IntegrityError("INSERT ...", {}, orig)


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (
            _integrity("UNIQUE constraint failed: ships.name"),
            "A ship with this name already exists; choose another name.",
        ),
        (
            _integrity("UNIQUE constraint failed: ships.name, ships.port"),
            "A ship with this name and port already exists; choose another name and port.",
        ),
        (
            _integrity('duplicate key value violates unique constraint "k"', _Cause()),
            "A ship with this name already exists; choose another name.",
        ),
        (
            _integrity("FOREIGN KEY constraint failed"),
            "The ship refers to something that does not exist (or is still in use).",
        ),
        (
            _integrity("NOT NULL constraint failed: ships.name"),
            "The ship conflicts with existing data (a database constraint refused it).",
        ),
    ],
)
def test_conflict_details_name_columns_and_never_echo_sql(
    error: IntegrityError, expected: str
) -> None:
    assert conflict_detail(error, "ship") == expected

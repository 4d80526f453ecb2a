"""Fields a user may not set (``writable=``): rendered disabled, dropped when submitted
anyway (a required one stops being required), left out of ``changes()``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Any

import httpx
import pytest
from fastapi import Depends, FastAPI, Request
from pydantic import BaseModel, Field
from starlette.responses import JSONResponse, Response

from shipyard.forms import FormResult, form_of
from shipyard.forms.choices import ReferenceChoices

from .test_macros import render


class CrateForm(BaseModel):
    label: Annotated[str, Field(min_length=1)]
    weight: int
    cleared: bool = False
    note: Annotated[str, Field(alias="crate-note")] = ""


def clerk_fields(request: Request) -> set[str] | None:
    """Customs officers (an ``X-Officer`` header here) set everything; clerks the label."""
    return None if request.headers.get("X-Officer") else {"label", "note"}


CrateFormDep = Annotated[FormResult[CrateForm], Depends(form_of(CrateForm, writable=clerk_fields))]


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    app = FastAPI()

    @app.post("/crates")
    async def create(form: CrateFormDep) -> Response:
        if not form.is_valid:
            return JSONResponse({"errors": form.errors, "values": form.values}, 422)
        return JSONResponse({"changes": form.changes(), "locked": sorted(form.locked)})

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        yield http


async def test_a_value_for_a_locked_field_is_ignored(client: httpx.AsyncClient) -> None:
    hostile = {"label": "Tea", "weight": "90", "cleared": "on", "crate-note": "fragile"}

    response = await client.post("/crates", data=hostile)

    assert response.status_code == 200, response.text
    assert response.json() == {
        "changes": {"label": "Tea", "note": "fragile"},
        "locked": ["cleared", "weight"],
    }


async def test_a_locked_required_field_is_not_required(client: httpx.AsyncClient) -> None:
    response = await client.post("/crates", data={"label": "Tea"})

    assert response.status_code == 200
    assert response.json()["changes"] == {"label": "Tea", "note": ""}


async def test_a_locked_field_is_not_validated_or_echoed(client: httpx.AsyncClient) -> None:
    response = await client.post("/crates", data={"label": "", "weight": "heavy"})

    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["label"]
    assert "weight" not in response.json()["values"]


async def test_who_may_set_everything_sets_everything(client: httpx.AsyncClient) -> None:
    data = {"label": "Tea", "weight": "90", "cleared": "on"}

    response = await client.post("/crates", data=data, headers={"X-Officer": "1"})

    assert response.json() == {
        "changes": {"label": "Tea", "weight": 90, "cleared": True, "note": ""},
        "locked": [],
    }


def test_changes_can_leave_out_more() -> None:
    form = FormResult.validate(CrateForm, {"label": "Tea", "weight": 3}, {}, writable=None)

    assert form.changes(exclude={"cleared", "note"}) == {"label": "Tea", "weight": 3}


def test_a_blank_form_shows_locked_fields_disabled_with_their_value() -> None:
    initial = {"label": "Tea", "weight": 90, "cleared": True}
    form = FormResult.blank(CrateForm, initial, writable={"label"})

    html = render(
        '{{ f.field("label", form=form) }}{{ f.field("weight", form=form) }}'
        '{{ f.field("cleared", form=form) }}{{ f.field("crate-note", form=form) }}',
        form=form,
    )

    assert 'name="label" required="" type="text" value="Tea"' in html
    assert 'name="weight" disabled="" type="number" value="90"' in html
    assert 'name="cleared" value="on" checked="" disabled=""' in html
    assert 'name="crate-note" disabled=""' in html
    assert html.count("disabled") == 3


def test_a_locked_reference_is_a_disabled_select_even_for_a_large_table() -> None:
    class CargoForm(BaseModel):
        ship_id: int

    form = FormResult.blank(CargoForm, {"ship_id": 2}, writable=set())
    choices = ReferenceChoices([(2, "Oslo")], selected=2, search=True)

    html = render(
        '{{ f.reference("ship_id", choices=choices, source="/choices", form=form) }}',
        form=form,
        choices=choices,
    )

    assert '<select id="field-ship_id" name="ship_id" disabled=""' in html
    assert "hx-get" not in html


def test_no_rule_locks_nothing() -> None:
    form: Any = FormResult.blank(CrateForm)

    assert form.locked == frozenset()

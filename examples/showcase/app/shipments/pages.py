"""The shipments pages (HTML + htmx): list, show, add, edit and delete shipments.

- ``GET /shipments``: the list, with a search box (htmx, debounced), sortable columns
  (``?sort=-description``) and a "Load more" button that fetches the next page by cursor.
  htmx requests get just the rows (``shipments/index.html``, block ``rows``).
- ``GET /shipments/new`` and ``POST /shipments``: the form; invalid input re-renders it
  with status 422, the values kept and the errors inline.
- ``GET /shipments/{id}``, ``GET /shipments/{id}/edit`` and ``POST /shipments/{id}``:
  one shipment, and the same form to change it.
- ``DELETE /shipments/{id}``: removes the row the button was in (the browser asks first).
- ``GET /shipments/choices/ship?q=...``: the ships matching the search box of
  the form's ship (when there are too many for a select).

Anyone can look; adding, changing and deleting need ``shipments:create``,
``shipments:update`` and ``shipments:delete`` (``app/shipments/permissions.py``),
as the JSON API does; the forms' searches need one of the first two.
``ShipmentPolicy`` (``app/shipments/policy.py``) then decides per shipment: the list
shows its scope, and each route loads the shipment through ``Authorize``. Its field
rules hold for the pages too: a field the user may not read is not shown (nor edited),
one they may not set is disabled in the form and ignored if posted anyway;
a reference offers (and accepts) only rows in the referenced model's policy scope.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from shipyard.api.pagination import paginate
from shipyard.api.query import ListQuery
from shipyard.auth import Identity, OptionalIdentity, optional_user
from shipyard.authz import Authorize, authorize_new, editable_fields, scope_for, scoped
from shipyard.db import DbSession
from shipyard.forms import FormResult, form_response
from shipyard.forms.choices import (
    Restrict,
    SearchText,
    SelectedId,
    check_reference,
    choices_fragment,
    reference_choices,
    search_choices,
)
from shipyard.web import PageRouter, render
from shipyard.web.flash import flash, flash_oob
from shipyard.web.htmx import htmx, with_oob
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from app.shipments.api import listing
from app.shipments.forms import ShipmentForm, ShipmentFormDep
from app.shipments.models import Shipment
from app.shipments.permissions import EDITING, REQUIRED
from app.shipments.policy import ShipmentPolicy
from app.ships.models import Ship

FORM = "shipments/form.html"

pages = PageRouter(prefix="/shipments", tags=["shipments"], dependencies=[Depends(optional_user)])


LOAD: list[Any] = [joinedload(Shipment.ship)]


def allowed(action: str) -> Any:
    """The shipment named by the path, if the identity may ``action`` it (ShipmentPolicy)."""
    return Depends(Authorize(ShipmentPolicy.model, action, param="shipment_id", load=LOAD))


async def _form_context(
    session: AsyncSession, form: FormResult[ShipmentForm], identity: Identity | None
) -> dict[str, Any]:
    """What the form needs besides the form itself: the choices of its references."""
    return {
        "Shipment": Shipment,  # the fields ask can_read("...", Shipment)
        "ship_choices": await reference_choices(
            session,
            Ship.id,
            Ship.name,
            selected=form.value("ship_id"),
            restrict=_choosable(identity),
        ),
    }


async def _check_references(
    session: AsyncSession, form: FormResult[ShipmentForm], identity: Identity | None
) -> None:
    """A reference the form would not offer (a forged or stale id) is an error on its field."""
    await check_reference(session, form, "ship_id", Ship.id, restrict=_choosable(identity))


def _choosable(identity: Identity | None) -> Restrict:
    """The rows a reference may name: its model's policy scope (all rows if it has none: User)."""
    return scope_for(identity, unpoliced="all")


@pages.get("", name="shipments")
async def list_shipments(
    request: Request,
    session: DbSession,
    query: Annotated[ListQuery, Depends(listing.dependency)],
    identity: OptionalIdentity,
) -> Response:
    """One page of shipments, searched and sorted as asked; only the rows for htmx."""
    statement = select(Shipment).options(joinedload(Shipment.ship))
    statement = scoped(statement, identity)

    page = await paginate(session, statement, query, request=request)
    sort = request.query_params.get("sort", "")
    context = {
        "page": page,
        "q": query.q or "",
        "sort": sort,
        "params": {name: value for name, value in (("q", query.q), ("sort", sort)) if value},
        "first_page": query.cursor is None,
        "Shipment": Shipment,  # the columns ask can_read("...", Shipment)
    }
    return render(request, "shipments/index.html", context, fragment="rows")


@pages.get("/new", name="new_shipment", dependencies=REQUIRED["create"])
async def new_shipment(
    request: Request, session: DbSession, identity: OptionalIdentity
) -> Response:
    """The empty form."""
    form = FormResult.blank(ShipmentForm, writable=editable_fields(identity, Shipment))
    context = {**await _form_context(session, form, identity), "shipment": None}
    return form_response(request, FORM, context, form)


@pages.post("", name="create_shipment", dependencies=REQUIRED["create"])
async def create_shipment(
    request: Request, form: ShipmentFormDep, session: DbSession, identity: OptionalIdentity
) -> Response:
    """Add a shipment; 422 with the form re-rendered when the input is wrong."""
    await _check_references(session, form, identity)
    if not form.is_valid:
        context = {**await _form_context(session, form, identity), "shipment": None}
        return form_response(request, FORM, context, form)
    shipment = Shipment(**form.changes())
    authorize_new(identity, shipment)
    session.add(shipment)
    await session.flush()
    flash(request, "Shipment added.", "success")
    return _go_to(request, request.url_for("show_shipment", shipment_id=shipment.id).path)


@pages.get("/choices/ship", name="shipment_ship_choices", dependencies=EDITING)
async def ship_choices(
    request: Request,
    session: DbSession,
    identity: OptionalIdentity,
    q: SearchText = "",
    ship_id: SelectedId = "",
) -> Response:
    """The ships whose name contains ``q``: the form's ship search (htmx)."""
    choices = await search_choices(
        session, Ship.id, Ship.name, q, selected=ship_id, restrict=_choosable(identity)
    )
    return choices_fragment(request, "ship_id", choices, required=True)


@pages.get("/{shipment_id}", name="show_shipment")
async def show_shipment(
    request: Request, shipment: Annotated[Shipment, allowed("view")]
) -> Response:
    """One shipment."""
    return render(request, "shipments/show.html", {"shipment": shipment})


@pages.get("/{shipment_id}/edit", name="edit_shipment", dependencies=REQUIRED["update"])
async def edit_shipment(
    request: Request,
    shipment: Annotated[Shipment, allowed("update")],
    session: DbSession,
    identity: OptionalIdentity,
) -> Response:
    """The form, filled in with the shipment's values."""
    form = FormResult.blank(
        ShipmentForm, initial=shipment, writable=editable_fields(identity, Shipment)
    )
    context = {**await _form_context(session, form, identity), "shipment": shipment}
    return form_response(request, FORM, context, form)


@pages.post("/{shipment_id}", name="update_shipment", dependencies=REQUIRED["update"])
async def update_shipment(
    request: Request,
    shipment: Annotated[Shipment, allowed("update")],
    form: ShipmentFormDep,
    session: DbSession,
    identity: OptionalIdentity,
) -> Response:
    """Save the edit form; 422 with the form re-rendered when the input is wrong."""
    await _check_references(session, form, identity)
    if not form.is_valid:
        context = {**await _form_context(session, form, identity), "shipment": shipment}
        return form_response(request, FORM, context, form)
    for name, value in form.changes().items():
        setattr(shipment, name, value)
    await session.flush()
    flash(request, "Shipment saved.", "success")
    return _go_to(request, request.url_for("show_shipment", shipment_id=shipment.id).path)


@pages.delete("/{shipment_id}", name="delete_shipment", dependencies=REQUIRED["delete"])
async def delete_shipment(
    request: Request, shipment: Annotated[Shipment, allowed("delete")], session: DbSession
) -> Response:
    """Remove a shipment: an empty body replaces its row; the flash comes out of band."""
    await session.delete(shipment)
    await session.flush()
    flash(request, "Shipment deleted.", "info")
    if not htmx(request):
        return RedirectResponse(request.url_for("shipments").path, status.HTTP_303_SEE_OTHER)
    return with_oob(HTMLResponse(""), flash_oob(request))


def _go_to(request: Request, path: str) -> Response:
    """After a successful form: htmx loads ``HX-Redirect``, a browser follows the 303."""
    if htmx(request):
        return Response(headers={"HX-Redirect": path})
    return RedirectResponse(path, status.HTTP_303_SEE_OTHER)

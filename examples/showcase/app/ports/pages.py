"""The ports pages (HTML + htmx): list, show, add, edit and delete ports.

- ``GET /ports``: the list, with a search box (htmx, debounced), sortable columns
  (``?sort=-name``) and a "Load more" button that fetches the next page by cursor.
  htmx requests get just the rows (``ports/index.html``, block ``rows``).
- ``GET /ports/new`` and ``POST /ports``: the form; invalid input re-renders it
  with status 422, the values kept and the errors inline.
- ``GET /ports/{id}``, ``GET /ports/{id}/edit`` and ``POST /ports/{id}``:
  one port, and the same form to change it.
- ``DELETE /ports/{id}``: removes the row the button was in (the browser asks first).

Anyone can look; adding, changing and deleting need ``ports:create``,
``ports:update`` and ``ports:delete`` (``app/ports/permissions.py``), as the JSON API does.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from shipyard.api.pagination import paginate
from shipyard.api.query import ListQuery
from shipyard.auth import optional_user
from shipyard.db import DbSession, RowId
from shipyard.forms import FormResult, form_response
from shipyard.web import PageRouter, render
from shipyard.web.flash import flash, flash_oob
from shipyard.web.htmx import htmx, with_oob
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.ports.api import listing
from app.ports.forms import PortForm, PortFormDep
from app.ports.models import Port
from app.ports.permissions import REQUIRED

FORM = "ports/form.html"

pages = PageRouter(prefix="/ports", tags=["ports"], dependencies=[Depends(optional_user)])


async def _port_or_404(session: AsyncSession, port_id: int) -> Port:
    port = await session.get(Port, port_id)
    if port is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"There is no port {port_id}.")
    return port


async def _form_context(session: AsyncSession, form: FormResult[PortForm]) -> dict[str, Any]:
    """What the form needs besides the form itself."""
    del session, form
    return {}


@pages.get("", name="ports")
async def list_ports(
    request: Request,
    session: DbSession,
    query: Annotated[ListQuery, Depends(listing.dependency)],
) -> Response:
    """One page of ports, searched and sorted as asked; only the rows for htmx."""
    statement = select(Port)
    page = await paginate(session, statement, query, request=request)
    sort = request.query_params.get("sort", "")
    context = {
        "page": page,
        "q": query.q or "",
        "sort": sort,
        "params": {name: value for name, value in (("q", query.q), ("sort", sort)) if value},
        "first_page": query.cursor is None,
    }
    return render(request, "ports/index.html", context, fragment="rows")


@pages.get("/new", name="new_port", dependencies=REQUIRED["create"])
async def new_port(request: Request, session: DbSession) -> Response:
    """The empty form."""
    form = FormResult.blank(PortForm)
    context = {**await _form_context(session, form), "port": None}
    return form_response(request, FORM, context, form)


@pages.post("", name="create_port", dependencies=REQUIRED["create"])
async def create_port(request: Request, form: PortFormDep, session: DbSession) -> Response:
    """Add a port; 422 with the form re-rendered when the input is wrong."""
    if not form.is_valid:
        context = {**await _form_context(session, form), "port": None}
        return form_response(request, FORM, context, form)
    port = Port(**form.data.model_dump())
    session.add(port)
    await session.flush()
    flash(request, "Port added.", "success")
    return _go_to(request, request.url_for("show_port", port_id=port.id).path)


@pages.get("/{port_id}", name="show_port")
async def show_port(request: Request, port_id: RowId, session: DbSession) -> Response:
    """One port."""
    port = await _port_or_404(session, port_id)
    return render(request, "ports/show.html", {"port": port})


@pages.get("/{port_id}/edit", name="edit_port", dependencies=REQUIRED["update"])
async def edit_port(request: Request, port_id: RowId, session: DbSession) -> Response:
    """The form, filled in with the port's values."""
    port = await _port_or_404(session, port_id)
    form = FormResult.blank(PortForm, initial=port)
    context = {**await _form_context(session, form), "port": port}
    return form_response(request, FORM, context, form)


@pages.post("/{port_id}", name="update_port", dependencies=REQUIRED["update"])
async def update_port(
    request: Request, port_id: RowId, form: PortFormDep, session: DbSession
) -> Response:
    """Save the edit form; 422 with the form re-rendered when the input is wrong."""
    port = await _port_or_404(session, port_id)
    if not form.is_valid:
        context = {**await _form_context(session, form), "port": port}
        return form_response(request, FORM, context, form)
    for name, value in form.data.model_dump().items():
        setattr(port, name, value)
    await session.flush()
    flash(request, "Port saved.", "success")
    return _go_to(request, request.url_for("show_port", port_id=port.id).path)


@pages.delete("/{port_id}", name="delete_port", dependencies=REQUIRED["delete"])
async def delete_port(request: Request, port_id: RowId, session: DbSession) -> Response:
    """Remove a port: an empty body replaces its row; the flash comes out of band."""
    port = await _port_or_404(session, port_id)
    await session.delete(port)
    await session.flush()
    flash(request, "Port deleted.", "info")
    if not htmx(request):
        return RedirectResponse(request.url_for("ports").path, status.HTTP_303_SEE_OTHER)
    return with_oob(HTMLResponse(""), flash_oob(request))


def _go_to(request: Request, path: str) -> Response:
    """After a successful form: htmx loads ``HX-Redirect``, a browser follows the 303."""
    if htmx(request):
        return Response(headers={"HX-Redirect": path})
    return RedirectResponse(path, status.HTTP_303_SEE_OTHER)

"""The ships pages (HTML + htmx): list, add, show details, delete.

Everything is one template, ``ships/index.html``, whose blocks serve as fragments:

- ``GET /ships``: the whole page.
- ``POST /ships``: the form. Invalid input re-renders the form (status 422, values kept);
  valid input answers with a blank form plus out-of-band swaps that append the row,
  update the ship counter and show a flash message. Without htmx: redirect (303).
- ``GET /ships/{id}``: the details fragment for htmx swaps (the link pushes the URL); the
  whole page when loaded directly, boosted, or restored from history.
- ``DELETE /ships/{id}``: removes the row; the counter and flash come out of band.

A ship may have a photo: the form's file input (multipart; the type decided by the
file's bytes, 5 MB at most, an image Pillow may safely decode; refused inline with a 422
like any other field error) is attached with ``ship.photo.attach(...)``, which queues
the job that makes its variants. The fleet table shows each ship's ``thumb`` (all
photos in one query) and the details its ``large`` variant, each through a signed,
expiring link (made on the first request if the job has not run yet). Deleting the ship
deletes its photo and variants (the purge job). Its papers are direct uploads: the
details' drop zone sends each file straight to the store and puts its signed id in the
papers form; ``POST /ships/{id}/papers`` confirms each one (size, checksum, type from
the bytes, scan) before attaching it, and shows the reason of a refusal (422) in the
details.

Adding and deleting need the permissions the JSON API needs (``ships:create``,
``ships:delete``; ``app/ships/permissions.py``), and ``ShipPolicy``
(``app/ships/policy.py``) decides per ship: the page lists the fleet and the caller's own
ships (its scope), and another user's ship is a 404 at ``/ships/{id}`` and on delete,
exactly like a missing one (``Authorize`` loads it). Anonymous: an htmx request gets
``HX-Redirect`` to the login page, a browser a 303 there with ``next``. Logged in without
the permission: 403, the error page for a browser, the error fragment in the flash area
for htmx. Ship ids in URLs are row ids: ``/ships/abc``, ``/ships/0`` or
``/ships/9223372036854775808`` are a 404 before any query. Every page resolves the
optional identity, so the template shows the form and the delete buttons only to users
who may use them (``can("ships:create")``, ``can("delete", ship)``).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request, status
from fastapi.responses import RedirectResponse, Response
from shipyard.auth import Identity, OptionalIdentity, optional_user
from shipyard.authz import Authorize, authorize_new, scoped
from shipyard.db import DbSession, utc_now
from shipyard.forms import FormResult, form_response
from shipyard.images import Images, ImagesDep
from shipyard.jobs import get_jobs
from shipyard.storage import StorageDep
from shipyard.uploads import UploadRefused, parse_size
from shipyard.uploads.direct import confirm_upload
from shipyard.web import PageRouter, render, render_to_string
from shipyard.web.flash import flash, flash_oob
from shipyard.web.htmx import htmx, oob, with_oob
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.live import announce_ship
from app.ships.forms import PAPERS, PHOTO_MAX_SIZE, ShipForm, ShipFormDep
from app.ships.models import Ship
from app.ships.permissions import REQUIRED
from app.ships.policy import ShipPolicy

TEMPLATE = "ships/index.html"

pages = PageRouter(prefix="/ships", tags=["ships"], dependencies=[Depends(optional_user)])


def allowed(action: str) -> Any:
    """The ship named by the path, if the caller may ``action`` it (else 404, or login)."""
    return Depends(Authorize(ShipPolicy.model, action, param="ship_id"))


async def _count(session: AsyncSession, identity: Identity | None) -> int:
    counted = scoped(select(func.count(Ship.id)), identity, Ship)
    return await session.scalar(counted) or 0


async def _thumbs(session: AsyncSession, images: Images, ships: list[Ship]) -> dict[int, str]:
    """The thumbnail link of each ship that has a photo, by ship id."""
    thumb = Ship.photo.variant("thumb")
    photos = await Ship.photo.last_of(session, ships)
    return {ship_id: images.url(blob, thumb) for ship_id, blob in photos.items()}


async def _context(
    session: AsyncSession, identity: Identity | None, images: Images, selected: Ship | None = None
) -> dict[str, Any]:
    ships = list(await session.scalars(scoped(select(Ship).order_by(Ship.id), identity)))
    return {
        "ships": ships,
        "thumbs": await _thumbs(session, images, ships),
        "count": len(ships),
        "selected": selected,
        "swap_oob": False,
        "compiled_at": utc_now,  # called only when the cached fleet report is rendered
    }


@pages.get("", name="ships")
async def list_ships(
    request: Request, session: DbSession, identity: OptionalIdentity, images: ImagesDep
) -> Response:
    """The ships the caller may see, the counter, the details panel and the form."""
    context = await _context(session, identity, images)
    return render(request, TEMPLATE, {**context, "form": FormResult.blank(ShipForm)})


@pages.post(
    "",
    name="create_ship_page",
    dependencies=REQUIRED["create"],
    max_body_size=parse_size(PHOTO_MAX_SIZE) + 64 * 1024,  # the photo and the fields
)
async def create_ship(
    request: Request,
    form: ShipFormDep,
    session: DbSession,
    identity: OptionalIdentity,
    storage: StorageDep,
    images: ImagesDep,
) -> Response:
    """Add a ship from the form; 422 with the form re-rendered when the input is wrong."""
    if form.is_valid:
        taken = await session.scalar(select(Ship.id).where(Ship.name == form.data.name))
        if taken is not None:
            form.add_error("name", f"A ship named {form.data.name!r} already exists.")
    if not form.is_valid:
        return form_response(request, TEMPLATE, await _context(session, identity, images), form)
    ship = Ship(name=form.data.name)
    authorize_new(identity, ship)  # the new ship belongs to whoever adds it
    session.add(ship)
    await session.flush()
    if form.data.photo is not None:
        await ship.photo.attach(form.data.photo, storage=storage, jobs=get_jobs(request.app))
    await announce_ship(request, ship.name)
    flash(request, f"Ship {ship.name} added.", "success")
    if not htmx(request):
        return RedirectResponse(request.url_for("ships").path, status.HTTP_303_SEE_OTHER)
    context = {"count": await _count(session, identity), "swap_oob": True}
    response = render(
        request, TEMPLATE, {**context, "form": FormResult.blank(ShipForm)}, block=["form", "count"]
    )
    thumbs = await _thumbs(session, images, [ship])
    row = render_to_string(request, "ships/_row.html", {"ship": ship, "thumbs": thumbs})
    return with_oob(response, oob("ship-rows", row, "beforeend", tag="tbody"), flash_oob(request))


@pages.get("/{ship_id}", name="ship_detail")
async def ship_detail(
    request: Request,
    ship: Annotated[Ship, allowed("view")],
    session: DbSession,
    identity: OptionalIdentity,
    images: ImagesDep,
) -> Response:
    """One ship's details: the fragment for htmx swaps, the whole page otherwise."""
    return await _detail(request, ship, session, identity, images)


async def _detail(
    request: Request,
    ship: Ship,
    session: AsyncSession,
    identity: Identity | None,
    images: Images,
    papers_error: str | None = None,
) -> Response:
    context = {
        **await _context(session, identity, images, ship),
        "form": FormResult.blank(ShipForm),
        "photo_url": await ship.photo.variant_url("large", images=images),
        "papers": await ship.papers.urls(storage=images.storage),
        "papers_error": papers_error,
    }
    status_code = status.HTTP_422_UNPROCESSABLE_CONTENT if papers_error else status.HTTP_200_OK
    return render(request, TEMPLATE, context, fragment="detail", status_code=status_code)


@pages.post("/{ship_id}/papers", name="add_ship_papers", dependencies=REQUIRED["update"])
async def add_papers(
    request: Request,
    ship: Annotated[Ship, allowed("update")],
    session: DbSession,
    identity: OptionalIdentity,
    images: ImagesDep,
) -> Response:
    """Attach the papers the drop zone sent to the store, each one confirmed first."""
    error = None
    for signed_id in (await request.form()).getlist("papers"):
        try:
            blob = await confirm_upload(
                request, session, str(signed_id), upload=PAPERS, field="papers"
            )
        except UploadRefused as refused:
            error = refused.detail
            break
        await ship.papers.attach(blob, storage=images.storage)
    return await _detail(request, ship, session, identity, images, papers_error=error)


@pages.delete("/{ship_id}", name="delete_ship", dependencies=REQUIRED["delete"])
async def delete_ship(
    request: Request,
    ship: Annotated[Ship, allowed("delete")],
    session: DbSession,
    identity: OptionalIdentity,
) -> Response:
    """Remove a ship: an empty body (the row goes), the counter and flash out of band."""
    await session.delete(ship)
    await session.flush()
    flash(request, f"Ship {ship.name} deleted.", "info")
    response = render(
        request,
        TEMPLATE,
        {"count": await _count(session, identity), "swap_oob": True},
        block="count",
    )
    return with_oob(response, flash_oob(request))

"""The ships JSON API, built on :class:`shipyard.api.resource.Resource`, in two versions.

``Accept: application/vnd.shipyard.v2+json`` asks for version 2; no version means 1.

- ``GET /api/ships``: sort (``?sort=-created_at``), filter (``?name__icontains=fr``),
  select fields (``?fields=id,name``) and page by cursor (``?limit=2&cursor=...``, the
  ``Link`` header has the next and previous pages). Version 1 answers the JSON array of
  ships (its original shape); version 2 the page object (``items``, ``next_cursor``,
  ``prev_cursor``, ...) whose ships also have ``updated_at``.
- ``GET/PATCH/DELETE /api/ships/{id}`` and ``POST /api/ships`` in both versions.

Adding, changing and deleting need ``ships:create``, ``ships:update`` and
``ships:delete`` (``app/ships/permissions.py``, as the pages do), with a bearer JWT
(``POST /auth/token``), an ``X-API-Key`` or a login session: 401 problem JSON without
credentials, 403 without the permission. ``ShipPolicy`` (``app/ships/policy.py``) then
decides per ship: everyone sees the unowned fleet, a ship someone added is theirs alone
(another user's is a 404 by id and never in a list, whatever the filter, sort, fields or
cursor). A taken name is a 409 problem.

The lists are cached (``shipyard.cache``) for a minute, per version, query, page and
caller (what a caller may see depends on who asks: ``vary_on_user``): a hit costs no
query. Any committed change to a ship (here, from the pages, the shell) invalidates them
at once through the ``table:ships`` tag (``model_tag(Ship)``); items and lists carry an
``ETag`` and answer ``304`` to ``If-None-Match``, and a stale ``If-Match`` on
``PATCH``/``DELETE`` is a ``412``.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response
from shipyard.api.pagination.links import set_link_header
from shipyard.api.query import Listing, ListQuery
from shipyard.api.resource import Resource, partial_model
from shipyard.api.resource.partial import page_content
from shipyard.api.versioning import VersionedRouter, versions
from shipyard.auth import OptionalIdentity
from shipyard.authz import PolicyAccess
from shipyard.cache import cache, conditional, model_tag
from shipyard.db import DbSession

from app.ships.models import Ship
from app.ships.permissions import REQUIRED
from app.ships.policy import ShipPolicy
from app.ships.schemas import ShipCreate, ShipRead, ShipReadV2, ShipUpdate

PREFIX = "/api/ships"


def _listing(*extra: str) -> Listing:
    return Listing(
        Ship,
        sortable=["name", "created_at", *extra],
        filterable=["name", "created_at", *extra],
        selectable=["id", "name", "created_at", *extra],
        max_limit=100,
        default_limit=50,
    )


ships_v1 = Resource(
    Ship,
    listing=_listing(),
    schema_out=ShipRead,
    schema_create=ShipCreate,
    schema_update=ShipUpdate,
    label="ship",
    access=PolicyAccess(ShipPolicy),
)
ships_v2 = Resource(
    Ship,
    listing=_listing("updated_at"),
    schema_out=ShipReadV2,
    schema_create=ShipCreate,
    schema_update=ShipUpdate,
    label="ship",
    access=PolicyAccess(ShipPolicy),
)

list_v1 = VersionedRouter(prefix=PREFIX, tags=["ship"])
cached_list = cache(ttl=60, tags=[model_tag(Ship)], vary_on_user=True)
"""Both versions' lists: cached a minute per caller, dropped when a change to ships commits."""


@list_v1.get("", response_model=list[partial_model(ShipRead)], operation_id="ship_list_v1")  # type: ignore[misc]
@versions("1")
@cached_list
async def list_ships_v1(
    request: Request,
    session: DbSession,
    query: Annotated[ListQuery, Depends(ships_v1.query_dependency)],
    identity: OptionalIdentity,
) -> Response:
    """The ships the caller may see, oldest first unless sorted: a JSON array, further
    pages in ``Link``."""
    page = await ships_v1.list(session, query, request, principal=identity)
    response = JSONResponse(page_content(page)["items"])
    set_link_header(response, page.links)
    return conditional(request, response)


def routers() -> list[APIRouter]:
    """Every router of the ships API, version 1 before version 2."""
    v1 = ships_v1.router(
        PREFIX,
        operations=["get", "create", "update", "delete"],
        dependencies_for=REQUIRED,
        versions=["1"],
    )
    v2 = ships_v2.router(
        PREFIX, dependencies_for=REQUIRED, versions=["2"], cache_for={"list": cached_list}
    )
    return [list_v1, v1, v2]

"""The ports JSON API, built on :class:`shipyard.api.resource.Resource`.

- ``GET /api/ports``: sort (``?sort=-created_at``), filter (``?name__icontains=...``),
  select fields (``?fields=id,name``), search (``?q=...``) and page by
  cursor (``?limit=20&cursor=...``; the ``Link`` header has the neighbouring pages).
- ``GET/PATCH/DELETE /api/ports/{id}`` and ``POST /api/ports``.

Reading is public. Adding, changing and deleting need ``ports:create``,
``ports:update`` and ``ports:delete`` (``app/ports/permissions.py``).
"""

from __future__ import annotations

from typing import Any

from shipyard.api.query import Listing
from shipyard.api.resource import Resource
from sqlalchemy import Select, or_

from app.ports.models import Port
from app.ports.permissions import REQUIRED
from app.ports.schemas import PortCreate, PortRead, PortUpdate

PREFIX = "/api/ports"


def search(statement: Select[Any], q: str) -> Select[Any]:
    """The ports whose name or country contains ``q``, ignoring case."""
    return statement.where(
        or_(
            Port.name.icontains(q, autoescape=True),
            Port.country.icontains(q, autoescape=True),
        )
    )


listing = Listing(
    Port,
    sortable=["name", "country", "berths", "created_at", "updated_at"],
    filterable=["name", "country", "berths", "created_at"],
    selectable=["id", "name", "country", "berths", "created_at", "updated_at"],
    default_sort=["-created_at"],
    search=search,
)
ports = Resource(
    Port,
    listing=listing,
    schema_out=PortRead,
    schema_create=PortCreate,
    schema_update=PortUpdate,
    label="port",
)

router = ports.router(PREFIX, dependencies_for=REQUIRED, tags=["ports"])

"""Conditional requests on a resource's routes: ETags, ``304`` and ``412``.

Every item and list answer carries a strong ``ETag`` (of its JSON body), and a ``GET``
whose ``If-None-Match`` names it is answered ``304 Not Modified`` with no body. ``PATCH``
and ``DELETE`` honour ``If-Match``: when it does not name the item's current ETag (another
client changed it since this one read it) the write is refused with a ``412``
``precondition-failed`` problem and nothing changes — optimistic concurrency without a
version column.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fastapi.encoders import jsonable_encoder
from pydantic import TypeAdapter
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import JSONResponse

from shipyard.api.resource.access import NOBODY
from shipyard.cache.http import precondition_failed, strong_etag
from shipyard.core.problems import register_problem_type

if TYPE_CHECKING:
    from shipyard.api.resource.crud import Resource

PRECONDITION_FAILED = register_problem_type(
    "precondition-failed",
    412,
    description="If-Match does not name the current version (its ETag): someone changed it "
    "since you read it. Fetch it again, then retry.",
    status_default=True,
)


def item_response(
    resource: Resource[Any, Any, Any, Any], item: Any, principal: Any = NOBODY
) -> JSONResponse:
    """``item`` as JSON (the ``schema_out`` fields ``principal`` may read), with its strong
    ``ETag`` (of what this caller sees)."""
    shown = resource.shown(item, principal)
    if shown is item:
        content = TypeAdapter(resource.schema_out).dump_python(item, mode="json")
    else:
        content = jsonable_encoder(shown)
    response = JSONResponse(content)
    response.headers["ETag"] = strong_etag(bytes(response.body))
    return response


async def require_current(
    request: Request,
    resource: Resource[Any, Any, Any, Any],
    session: AsyncSession,
    id: Any,
    principal: Any = NOBODY,
) -> None:
    """Refuse (412) a write whose ``If-Match`` does not name the item's current ETag.

    The item is read through ``principal``'s scope (a row it cannot see is a 404 first).
    """
    if "if-match" not in request.headers:
        return
    item = await resource.get(session, id, principal=principal)
    current = item_response(resource, item, principal).headers["etag"]
    if precondition_failed(request.headers, current):
        raise PRECONDITION_FAILED.exception(
            f"The {resource.label} {id} changed since the version you sent in If-Match.",
            extra={"resource": resource.label, "id": id, "etag": current},
        )

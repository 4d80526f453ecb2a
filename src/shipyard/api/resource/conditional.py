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

from pydantic import TypeAdapter
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import JSONResponse

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


def item_response(resource: Resource[Any, Any, Any, Any], item: Any) -> JSONResponse:
    """``item`` as JSON (the ``schema_out`` fields), with its strong ``ETag``."""
    content = TypeAdapter(resource.schema_out).dump_python(item, mode="json")
    response = JSONResponse(content)
    response.headers["ETag"] = strong_etag(bytes(response.body))
    return response


async def require_current(
    request: Request, resource: Resource[Any, Any, Any, Any], session: AsyncSession, id: Any
) -> None:
    """Refuse (412) a write whose ``If-Match`` does not name the item's current ETag."""
    if "if-match" not in request.headers:
        return
    current = item_response(resource, await resource.get(session, id)).headers["etag"]
    if precondition_failed(request.headers, current):
        raise PRECONDITION_FAILED.exception(
            f"The {resource.label} {id} changed since the version you sent in If-Match.",
            extra={"resource": resource.label, "id": id, "etag": current},
        )

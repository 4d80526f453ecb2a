"""The standard FastAPI routes of a :class:`~shipyard.api.resource.Resource`.

``build_router(resource, "/api/ships")`` (or ``resource.router(...)``) adds::

    GET    /api/ships        list      200 Page of items (sort, filter, fields, cursor)
    GET    /api/ships/{id}   get       200 item            | 404
    POST   /api/ships        create    201 item + Location | 409, 422
    PATCH  /api/ships/{id}   update    200 item            | 404, 409, 422
    DELETE /api/ships/{id}   delete    204 no body         | 404, 409

``operations`` picks a subset, ``dependencies_for`` adds dependencies to some
(``{"create": [Depends(HasPermission("ships:create"))]}``) and ``versions`` puts the
routes on a :class:`~shipyard.api.versioning.VersionedRouter` serving those API versions.
Create and update name the body fields held unique by the table in
``x-shipyard-unique`` (the cookbook's "try it" then sends fresh values for them).
Answers carry a strong ``ETag``: ``If-None-Match`` gets a ``304`` and a stale ``If-Match``
on ``PATCH``/``DELETE`` a ``412`` (:mod:`.conditional`). Error responses are documented
as ``application/problem+json``; an integer ``{id}`` is a
row id (:mod:`shipyard.db.ids`) bounded to what the primary key column can hold, so ids
that cannot exist (out of range, negative, not a number) are a 404 before any query.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Annotated, Any, Literal, cast, get_args

from fastapi import APIRouter, Body, Depends, Path, Request, Response
from fastapi.encoders import jsonable_encoder
from fastapi.params import Depends as DependsParam
from starlette.responses import JSONResponse

from shipyard.api.pagination import Page
from shipyard.api.pagination.links import set_link_header
from shipyard.api.query import ListQuery
from shipyard.api.resource.access import NOBODY
from shipyard.api.resource.conditional import item_response, require_current
from shipyard.api.resource.partial import page_content, partial_model
from shipyard.api.versioning import VersionedRouter
from shipyard.api.versioning import versions as serve_versions
from shipyard.cache.http import conditional
from shipyard.core.openapi import problem_response
from shipyard.db import DbSession
from shipyard.db.ids import row_id_for
from shipyard.errors import ShipyardError

if TYPE_CHECKING:
    from shipyard.api.resource.crud import Resource

UNIQUE_EXTENSION = "x-shipyard-unique"
"""OpenAPI extension of an operation: body fields whose values must not exist yet."""
CrudOperation = Literal["list", "get", "create", "update", "delete"]
OPERATIONS: tuple[CrudOperation, ...] = get_args(CrudOperation)
DependenciesFor = Mapping[CrudOperation, Sequence[DependsParam]]
CacheFor = Mapping[CrudOperation, Callable[[Callable[..., Any]], Callable[..., Any]]]


def _problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    return {status: problem_response(status) for status in statuses}


def _id_parameter(resource: Resource[Any, Any, Any, Any]) -> inspect.Parameter:
    description = f"The {resource.label}'s id."
    annotation = row_id_for(resource.primary_key.type, description=description)
    if annotation is None:
        annotation = cast(Any, Annotated)[resource.id_type, Path(description=description)]
    return inspect.Parameter("id", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=annotation)


def _unique_extra(unique: Sequence[str], schema: type[Any]) -> dict[str, Any] | None:
    """``x-shipyard-unique``: the body fields a unique constraint holds (cookbook "try it")."""
    fields = [name for name in unique if name in getattr(schema, "model_fields", {})]
    return {UNIQUE_EXTENSION: fields} if fields else None


def _with_signature(endpoint: Callable[..., Any], *parameters: inspect.Parameter) -> None:
    endpoint.__signature__ = inspect.Signature(list(parameters))  # type: ignore[attr-defined]


def _param(name: str, annotation: Any) -> inspect.Parameter:
    return inspect.Parameter(name, inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=annotation)


def _unchanged(endpoint: Callable[..., Any]) -> Callable[..., Any]:
    return endpoint


def _shown(
    resource: Resource[Any, Any, Any, Any],
    item: Any,
    principal: Any,
    *,
    status_code: int = 200,
    headers: Mapping[str, str] | None = None,
) -> Any:
    """``item``, or a JSON response of its readable fields when the caller may not see all."""
    shown = resource.shown(item, principal)
    if shown is item:
        return item
    return JSONResponse(jsonable_encoder(shown), status_code=status_code, headers=headers)


def build_router(
    resource: Resource[Any, Any, Any, Any],
    prefix: str,
    *,
    operations: Sequence[CrudOperation] | None = None,
    dependencies_for: DependenciesFor | None = None,
    versions: Sequence[str] | None = None,
    tags: Sequence[str] | None = None,
    cache_for: CacheFor | None = None,
) -> APIRouter:
    """An ``APIRouter`` at ``prefix`` with the chosen operations of ``resource``.

    ``cache_for`` caches the reads: ``{"list": cache(ttl=60, tags=[model_tag(Ship)])}``
    (``shipyard.cache``; only ``list`` and ``get``, the ``GET`` operations).
    """
    chosen = tuple(operations if operations is not None else OPERATIONS)
    extra = dict(dependencies_for or {})
    caching = dict(cache_for or {})
    writes = sorted(set(caching) - {"list", "get"})
    if writes:
        raise ShipyardError(
            f"{resource.label} router: cache_for names {', '.join(map(str, writes))}",
            hint="only the reads can be cached: use 'list' or 'get'",
        )
    unknown = sorted({*chosen, *extra} - set(OPERATIONS))
    if unknown:
        raise ShipyardError(
            f"{resource.label} router: unknown operation(s) {', '.join(map(str, unknown))}",
            hint=f"use {', '.join(OPERATIONS)}",
        )
    router_class = VersionedRouter if versions else APIRouter
    router = router_class(prefix=prefix, tags=list(tags or [resource.label]))
    mark: Callable[[Callable[..., Any]], Callable[..., Any]] = (
        serve_versions(*versions) if versions else _unchanged
    )
    suffix = "_v" + "_".join(versions) if versions else ""
    out, label = resource.schema_out, resource.label
    unique = resource.unique_fields
    id_param = _id_parameter(resource)
    session_param = _param("session", DbSession)
    access = resource.access
    who = [] if access is None else [_param("principal", Annotated[Any, Depends(access.principal)])]

    def add(
        operation: CrudOperation, path: str, endpoint: Callable[..., Any], **kwargs: Any
    ) -> None:
        if operation not in chosen:
            return
        router.add_api_route(
            path,
            mark(caching.get(operation, _unchanged)(endpoint)),
            name=f"{label}_{operation}{suffix}",
            operation_id=f"{label}_{operation}{suffix}",
            dependencies=list(extra.get(operation, ())),
            **kwargs,
        )

    async def list_items(
        request: Request, session: Any, query: ListQuery, principal: Any = NOBODY
    ) -> Response:
        page = await resource.list(session, query, request, principal=principal)
        response = JSONResponse(page_content(page))
        set_link_header(response, page.links)
        return conditional(request, response)

    query_param = _param("query", Annotated[ListQuery, Depends(resource.query_dependency)])
    _with_signature(list_items, _param("request", Request), session_param, query_param, *who)
    item_model = partial_model(out) if resource.listing.selectable else out
    add(
        "list",
        "",
        list_items,
        methods=["GET"],
        response_model=Page[item_model],  # type: ignore[valid-type]
        summary=f"List {label}s",
        responses=_problems(400, 422),
    )

    async def get_item(
        request: Request, id: Any, session: Any, principal: Any = NOBODY
    ) -> Response:
        item = await resource.get(session, id, principal=principal)
        return conditional(request, item_response(resource, item, principal))

    _with_signature(get_item, _param("request", Request), id_param, session_param, *who)
    add(
        "get",
        "/{id}",
        get_item,
        methods=["GET"],
        response_model=out,
        summary=f"Get one {label}",
        responses=_problems(404, 422) | {304: {"description": "If-None-Match names the ETag"}},
    )

    async def create_item(
        request: Request, response: Response, body: Any, session: Any, principal: Any = NOBODY
    ) -> Any:
        created = await resource.create(session, body, principal=principal)
        created_id = getattr(created, resource.id_key, None)
        if "get" in chosen and created_id is not None:
            location = request.url_for(f"{label}_get{suffix}", id=str(created_id))
            response.headers["Location"] = location.path
        return _shown(resource, created, principal, status_code=201, headers=response.headers)

    _with_signature(
        create_item,
        _param("request", Request),
        _param("response", Response),
        _param("body", Annotated[resource.schema_create, Body()]),
        session_param,
        *who,
    )
    add(
        "create",
        "",
        create_item,
        methods=["POST"],
        response_model=out,
        status_code=201,
        summary=f"Create a {label}",
        responses=_problems(409, 422),
        openapi_extra=_unique_extra(unique, resource.schema_create),
    )

    async def update_item(
        request: Request, id: Any, body: Any, session: Any, principal: Any = NOBODY
    ) -> Response:
        await require_current(request, resource, session, id, principal)
        updated = await resource.update(session, id, body, principal=principal)
        return item_response(resource, updated, principal)

    _with_signature(
        update_item,
        _param("request", Request),
        id_param,
        _param("body", Annotated[resource.schema_update, Body()]),
        session_param,
        *who,
    )
    add(
        "update",
        "/{id}",
        update_item,
        methods=["PATCH"],
        response_model=out,
        summary=f"Change a {label}",
        responses=_problems(404, 409, 412, 422),
        openapi_extra=_unique_extra(unique, resource.schema_update),
    )

    async def delete_item(
        request: Request, id: Any, session: Any, principal: Any = NOBODY
    ) -> Response:
        await require_current(request, resource, session, id, principal)
        await resource.delete(session, id, principal=principal)
        return Response(status_code=204)

    _with_signature(delete_item, _param("request", Request), id_param, session_param, *who)
    add(
        "delete",
        "/{id}",
        delete_item,
        methods=["DELETE"],
        status_code=204,
        response_class=Response,
        summary=f"Delete a {label}",
        responses=_problems(404, 409, 412, 422),
    )
    return router

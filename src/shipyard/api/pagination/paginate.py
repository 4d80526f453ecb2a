"""``paginate``: run a list query one page at a time, by cursor (keyset) or by offset.

Cursor mode (the default) fetches ``limit + 1`` rows after (or, for a ``prev`` cursor,
before) the cursor's key in the sort order, so it knows whether another page exists
without counting; a previous page is read in the reversed order and put back the right
way round. It never skips or repeats a row that exists for the whole walk, however many
rows are inserted or deleted between page fetches, and its cost does not grow with depth.
Offset mode (``offset=N``) is there for small tables; a maximum offset keeps clients
from asking for deep, slow pages.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol, TypeVar, cast, overload

from pydantic import TypeAdapter
from sqlalchemy import Row, Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import Response

from shipyard.api.pagination.cursor import Cursor, CursorCodec, Direction, fingerprint
from shipyard.api.pagination.keyset import SortKey, after, order_by
from shipyard.api.pagination.links import page_url, set_link_header
from shipyard.api.pagination.page import Page
from shipyard.core.problems import HTTPProblem, register_problem_type
from shipyard.errors import ShipyardError

T = TypeVar("T")

DEFAULT_MAX_OFFSET = 10_000
INVALID_PAGE_TYPE = register_problem_type(
    "invalid-page", 400, "Invalid page request", description="A limit or offset was refused."
)
_KEY_LABEL = "_shipyard_page_key_{}"


class PageQuery(Protocol):
    """What ``paginate`` needs of a list query (``shipyard.api.query.ListQuery`` has it)."""

    @property
    def sort(self) -> Sequence[SortKey]: ...
    @property
    def limit(self) -> int: ...
    @property
    def cursor(self) -> str | None: ...
    @property
    def offset(self) -> int | None: ...
    @property
    def with_total(self) -> bool: ...
    def apply(self, statement: Select[Any]) -> Select[Any]: ...


def _bad_page(parameter: str, detail: str) -> HTTPProblem:
    return HTTPProblem(
        400,
        "Invalid page request",
        detail,
        type=INVALID_PAGE_TYPE.slug,
        extra={"parameter": parameter},
    )


def _resource(request: Request) -> str:
    """The route template serving ``request`` (what a cursor is bound to)."""
    return str(getattr(request.scope.get("route"), "path", request.url.path))


def _codec(request: Request, sort: Sequence[SortKey], resource: str | None) -> CursorCodec:
    settings = getattr(request.app, "settings", None)
    if settings is None:
        raise ShipyardError(
            "paginate() signs cursors with settings.app.secret_key, but this app has no settings",
            hint="serve the route from a shipyard.App",
        )
    secret: str = settings.app.secret_key.get_secret_value()
    spec = [(term.name, term.descending, term.nullable) for term in sort]
    return CursorCodec(secret, fingerprint(resource or _resource(request), spec))


class _Fetched:
    """Rows of one page split into items and their sort-key values."""

    def __init__(self, statement: Select[Any], rows: Sequence[Row[Any]]) -> None:
        described = statement.column_descriptions
        width = len(described)
        names = [str(entry["name"]) for entry in described]
        self.items: list[Any] = [
            row[0] if width == 1 else dict(zip(names, row[:width], strict=True)) for row in rows
        ]
        self.keys: list[tuple[Any, ...]] = [tuple(row[width:]) for row in rows]


async def _fetch(
    session: AsyncSession,
    base: Select[Any],
    sort: Sequence[SortKey],
    *,
    reverse: bool,
    limit: int,
    offset: int | None = None,
    key: Cursor | None = None,
) -> _Fetched:
    keys = [term.column.label(_KEY_LABEL.format(index)) for index, term in enumerate(sort)]
    statement = base.order_by(None).order_by(*order_by(sort, reverse=reverse))
    statement = statement.add_columns(*keys).limit(limit)
    if key is not None:
        statement = statement.where(
            after(sort, key.values, reverse=reverse, inclusive=key.inclusive)
        )
    if offset:
        statement = statement.offset(offset)
    rows = (await session.execute(statement)).all()
    return _Fetched(base, rows)


async def _count(session: AsyncSession, base: Select[Any]) -> int:
    counted = select(func.count()).select_from(base.order_by(None).subquery())
    return int((await session.execute(counted)).scalar_one())


@overload
async def paginate(
    session: AsyncSession,
    statement: Select[Any],
    query: PageQuery,
    *,
    request: Request,
    response: Response | None = None,
    item: type[T],
    resource: str | None = None,
    allow_offset: bool = True,
    max_offset: int = DEFAULT_MAX_OFFSET,
) -> Page[T]: ...
@overload
async def paginate(
    session: AsyncSession,
    statement: Select[Any],
    query: PageQuery,
    *,
    request: Request,
    response: Response | None = None,
    item: None = None,
    resource: str | None = None,
    allow_offset: bool = True,
    max_offset: int = DEFAULT_MAX_OFFSET,
) -> Page[Any]: ...
async def paginate(
    session: AsyncSession,
    statement: Select[Any],
    query: PageQuery,
    *,
    request: Request,
    response: Response | None = None,
    item: type[Any] | None = None,
    resource: str | None = None,
    allow_offset: bool = True,
    max_offset: int = DEFAULT_MAX_OFFSET,
) -> Page[Any]:
    """One page of ``query.apply(statement)``, with ``Link`` headers set on ``response``.

    Cursor mode unless ``query.offset`` is given. ``item`` validates each row into that
    model (``from_attributes``, so ORM objects work); without it items are what the
    select returns (an entity or a scalar for a one-element select, else a dict by column
    name). ``resource`` names what cursors are bound to (default: the route's path).
    """
    sort = tuple(query.sort)
    if not sort:
        raise ValueError("paginate needs a sort that ends with a unique column")
    if query.limit < 1:
        raise _bad_page("limit", f"limit must be at least 1, not {query.limit}.")
    base = query.apply(statement)
    if query.offset is not None:
        page = await _offset_page(session, base, query, request, allow_offset, max_offset)
    else:
        page = await _cursor_page(session, base, query, request, _codec(request, sort, resource))
    if item is not None:
        page.items = TypeAdapter(list[item]).validate_python(page.items, from_attributes=True)  # type: ignore[valid-type]
    if query.with_total:
        page.total = await _count(session, base)
    if response is not None:
        set_link_header(response, page.links)
    return page


async def _cursor_page(
    session: AsyncSession, base: Select[Any], query: PageQuery, request: Request, codec: CursorCodec
) -> Page[Any]:
    sort, limit = tuple(query.sort), query.limit
    cursor = codec.decode(query.cursor, len(sort)) if query.cursor else None
    backwards = cursor is not None and cursor.direction == "prev"
    fetched = await _fetch(session, base, sort, reverse=backwards, limit=limit + 1, key=cursor)
    more = len(fetched.items) > limit
    items, keys = fetched.items[:limit], fetched.keys[:limit]
    if backwards:
        items.reverse()
        keys.reverse()
    next_cursor = prev_cursor = None
    if keys:
        if more if not backwards else cursor is not None:
            next_cursor = codec.encode(Cursor(keys[-1], "next"))
        if more if backwards else cursor is not None:
            prev_cursor = codec.encode(Cursor(keys[0], "prev"))
    elif cursor is not None:  # nothing left that way: link back, the cursor's row included
        back: Direction = "next" if backwards else "prev"
        empty_link = codec.encode(Cursor(cursor.values, back, inclusive=True))
        next_cursor, prev_cursor = (empty_link, None) if backwards else (None, empty_link)
    links = {"first": page_url(request.url)}
    if next_cursor:
        links["next"] = page_url(request.url, cursor=next_cursor)
    if prev_cursor:
        links["prev"] = page_url(request.url, cursor=prev_cursor)
    return Page[Any](
        items=items, next_cursor=next_cursor, prev_cursor=prev_cursor, limit=limit, links=links
    )


async def _offset_page(
    session: AsyncSession,
    base: Select[Any],
    query: PageQuery,
    request: Request,
    allow_offset: bool,
    max_offset: int,
) -> Page[Any]:
    offset, limit = cast(int, query.offset), query.limit
    if not allow_offset:
        raise _bad_page("offset", "This list does not support offset; use cursor= instead.")
    if query.cursor:
        raise _bad_page("offset", "Give either cursor= or offset=, not both.")
    if offset < 0:
        raise _bad_page("offset", f"offset must be 0 or more, not {offset}.")
    if offset > max_offset:
        raise _bad_page(
            "offset",
            f"offset {offset} is above the maximum of {max_offset}; "
            "follow the cursors (cursor=) to reach deeper pages.",
        )
    fetched = await _fetch(
        session, base, tuple(query.sort), reverse=False, limit=limit + 1, offset=offset
    )
    items = fetched.items[:limit]
    links = {"first": page_url(request.url)}
    if len(fetched.items) > limit:
        links["next"] = page_url(request.url, offset=offset + limit)
    if offset > 0:
        links["prev"] = page_url(request.url, offset=max(offset - limit, 0))
    return Page[Any](items=items, limit=limit, offset=offset, links=links)

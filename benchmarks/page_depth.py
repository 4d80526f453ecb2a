"""Time to fetch one page at growing depth: cursor vs OFFSET vs ``fastapi-pagination``.

Not an HTTP load test: each fetch runs in-process against the 1,000,000-row PostgreSQL
table of :mod:`benchmarks.pagination_db`, timed with ``time.perf_counter`` around one
awaited call on a fresh ``AsyncSession`` (a pooled asyncpg connection), the median of
``--repeat`` repetitions after one untimed warm-up. Pages of ``LIMIT`` rows sorted by
``(created_at, id)`` start at rows 0, 10k, 500k and 999k, three ways:

* ``cursor``: :func:`shipyard.api.pagination.paginate` with the cursor for that depth,
  built directly from the row just before it with the app's :class:`CursorCodec` (what a
  client holds after walking there); keyset SQL on the ``(created_at, id)`` index.
* ``offset``: plain SQLAlchemy ``select(Item).order_by(...).offset(n).limit(20)``.
* ``fastapi-pagination``: its SQLAlchemy async integration (``apaginate``) with
  ``LimitOffsetPage``; by default it also counts the rows (its pages carry ``total``);
  the ``no total`` rows use ``UseIncludeTotal(False)``.

Every method must return the same ids at every depth, or the run stops. Usage::

    python -m benchmarks.page_depth --output BENCHMARKS.md    # the `pagination-depth` region
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from types import SimpleNamespace
from typing import Any

if not __package__:  # run as `python benchmarks/page_depth.py`: make the package importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fastapi_pagination import LimitOffsetPage, set_page
from fastapi_pagination.customization import CustomizedPage, UseIncludeTotal
from fastapi_pagination.ext.sqlalchemy import apaginate
from pydantic import SecretStr
from rich.console import Console
from rich.table import Table
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from starlette.requests import Request

from benchmarks import pagination_db, report
from benchmarks.pagination_db import Item
from shipyard.api.pagination import Cursor, CursorCodec, paginate
from shipyard.api.pagination.cursor import fingerprint
from shipyard.api.query import Listing, ListQuery

DEPTHS = (0, 10_000, 500_000, 999_000)
LIMIT = 20
SECTION = "pagination-depth"
RESOURCE = "/items"
SECRET_KEY = "benchmark-" + "x" * 40
LISTING = Listing(Item, sortable=["created_at"], default_sort=["created_at"], max_limit=100)
"""Sorted by ``created_at`` with the ``id`` tiebreaker the listing appends."""

Fetch = Callable[[AsyncSession, int], Awaitable[list[int]]]
"""Fetch the page starting at a depth; return its ids."""


def _request() -> Request:
    """A request to ``/items`` on an app-like object carrying the settings paginate reads."""
    settings = SimpleNamespace(app=SimpleNamespace(secret_key=SecretStr(SECRET_KEY)))
    scope = {
        "type": "http",
        "method": "GET",
        "path": RESOURCE,
        "query_string": b"",
        "headers": [(b"host", b"bench")],
        "app": SimpleNamespace(settings=settings),
    }
    return Request(scope)


def _codec(query: ListQuery) -> CursorCodec:
    spec = [(term.name, term.descending, term.nullable) for term in query.sort]
    return CursorCodec(SECRET_KEY, fingerprint(RESOURCE, spec))


async def cursor_at(session: AsyncSession, depth: int) -> str | None:
    """The ``next`` cursor a client holds at ``depth``: the key of row ``depth - 1``."""
    if depth == 0:
        return None
    ordered = select(Item.created_at, Item.id).order_by(Item.created_at, Item.id)
    row = (await session.execute(ordered.offset(depth - 1).limit(1))).one()
    return _codec(LISTING.parse([])).encode(Cursor(tuple(row), "next"))


def by_cursor(cursors: dict[int, str | None]) -> Fetch:
    """Shipyard's ``paginate`` from the prepared cursor of each depth."""
    request = _request()

    async def fetch(session: AsyncSession, depth: int) -> list[int]:
        cursor = cursors[depth]
        query = LISTING.parse([("limit", str(LIMIT)), *([("cursor", cursor)] if cursor else [])])
        page = await paginate(session, select(Item), query, request=request, resource=RESOURCE)
        return [item.id for item in page.items]

    return fetch


async def by_offset(session: AsyncSession, depth: int) -> list[int]:
    """Plain SQLAlchemy OFFSET/LIMIT."""
    statement = select(Item).order_by(Item.created_at, Item.id).offset(depth).limit(LIMIT)
    return [item.id for item in (await session.scalars(statement)).all()]


def by_fastapi_pagination(with_total: bool) -> Fetch:
    """``fastapi_pagination.ext.sqlalchemy.apaginate`` with limit-offset params."""
    page_class: Any = LimitOffsetPage[Any]
    if not with_total:
        page_class = CustomizedPage[LimitOffsetPage[Any], UseIncludeTotal(False)]

    async def fetch(session: AsyncSession, depth: int) -> list[int]:
        statement = select(Item).order_by(Item.created_at, Item.id)
        with set_page(page_class):
            params = page_class.__params_type__(limit=LIMIT, offset=depth)
            page = await apaginate(session, statement, params)
        if with_total and page.total != pagination_db.ROWS:
            raise RuntimeError(f"fastapi-pagination counted {page.total} rows")
        return [item.id for item in page.items]

    return fetch


@dataclass(frozen=True)
class Timing:
    """One method at one depth: the median and range of its repetitions, in ms."""

    method: str
    depth: int
    median_ms: float
    min_ms: float
    max_ms: float


async def _time(
    sessions: async_sessionmaker[AsyncSession], fetch: Fetch, depth: int, repeat: int
) -> tuple[list[float], list[int]]:
    samples: list[float] = []
    ids: list[int] = []
    for index in range(repeat + 1):  # the first run warms caches and is not counted
        async with sessions() as session:
            started = time.perf_counter()
            ids = await fetch(session, depth)
            elapsed = time.perf_counter() - started
        if index:
            samples.append(elapsed * 1000)
    return samples, ids


async def measure(url: str, repeat: int, console: Console) -> list[Timing]:
    """Time every method at every depth; raise if two methods return different pages."""
    engine = create_async_engine(url)
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    try:
        async with sessions() as session:
            cursors = {depth: await cursor_at(session, depth) for depth in DEPTHS}
        methods: dict[str, Fetch] = {
            "cursor (shipyard)": by_cursor(cursors),
            "offset (SQLAlchemy)": by_offset,
            "fastapi-pagination": by_fastapi_pagination(with_total=True),
            "fastapi-pagination, no total": by_fastapi_pagination(with_total=False),
        }
        timings: list[Timing] = []
        for depth in DEPTHS:
            expected = list(range(depth + 1, depth + LIMIT + 1))  # ids follow the sort order
            for name, fetch in methods.items():
                console.log(f"depth {depth:,}: {name}")
                samples, ids = await _time(sessions, fetch, depth, repeat)
                if ids != expected:
                    raise RuntimeError(f"{name} at depth {depth} returned ids {ids[:3]}...")
                timings.append(
                    Timing(name, depth, statistics.median(samples), min(samples), max(samples))
                )
        return timings
    finally:
        await engine.dispose()


def table_rows(timings: Sequence[Timing]) -> list[list[str]]:
    """Cells per method and depth; ratio = median / the cursor's median at that depth."""
    base = {t.depth: t.median_ms for t in timings if t.method.startswith("cursor")}
    return [
        [
            f"{t.depth:,}",
            t.method,
            f"{t.median_ms:.2f}",
            f"{t.min_ms:.2f}-{t.max_ms:.2f}",
            f"{t.median_ms / base[t.depth]:.1f}",
        ]
        for t in timings
    ]


HEADERS = ("depth (rows skipped)", "method", "median ms", "range ms", "x cursor")


def markdown(timings: Sequence[Timing], info: dict[str, str]) -> str:
    """The machine description and the table, as Markdown."""
    lines = [
        report.markdown_machine(info),
        "",
        f"### Page of {LIMIT} rows at depth, {pagination_db.ROWS:,} rows (in-process)",
        "",
        "Ratios are against `cursor (shipyard)` at the same depth.",
        "",
        "| " + " | ".join(HEADERS) + " |",
        "| ---: | --- | ---: | ---: | ---: |",
    ]
    lines += ["| " + " | ".join(cells) + " |" for cells in table_rows(timings)]
    return "\n".join(lines) + "\n"


def machine_info(repeat: int) -> dict[str, str]:
    """CPU, OS, Python, the libraries timed and how."""
    info = report.machine_info("true", "none (in-process, no load generator)")
    info.pop("Load generator")
    extra = ("sqlalchemy", "asyncpg", "fastapi-pagination")
    info["Libraries"] += "".join(f", {name} {version(name)}" for name in extra)
    info["Method"] = (
        f"median of {repeat} timed fetches (time.perf_counter, after 1 warm-up) per cell; "
        "PostgreSQL on 127.0.0.1"
    )
    return info


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: fill the database if needed, time, print, write ``--output``."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.page_depth",
        description="Time one page at depth by cursor, by OFFSET and with fastapi-pagination.",
    )
    parser.add_argument("--repeat", type=int, default=7, help="timed fetches per cell (7)")
    parser.add_argument("--output", type=Path, help="also write the results as Markdown here")
    parser.add_argument("--drop", action="store_true", help="drop the database afterwards")
    args = parser.parse_args(argv)
    console = Console()
    try:
        url = asyncio.run(pagination_db.prepare())
        timings = asyncio.run(measure(url, max(args.repeat, 1), console))
    except (OSError, RuntimeError) as error:
        Console(stderr=True, soft_wrap=True).print(f"error: {error}", markup=False)
        return 1
    finally:
        if args.drop:
            asyncio.run(pagination_db.drop())
    table = Table(title=f"Page of {LIMIT} rows at depth (ratio vs cursor)")
    for header in HEADERS:
        table.add_column(header, justify="left" if header == "method" else "right")
    for cells in table_rows(timings):
        table.add_row(*cells)
    console.print(table)
    if args.output is not None:
        report.write(args.output, markdown(timings, machine_info(args.repeat)), SECTION)
        console.print(f"wrote {args.output}", highlight=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())

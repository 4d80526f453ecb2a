"""The ``policies`` benchmark apps: the cost of ``Authorize`` and of a policy's list scope.

Every variant is the production-profile ``shipyard.App`` of :mod:`benchmarks.auth` (same
settings, a SQLite file under a scratch directory, ``TokensExtension`` on), serving one
route for a signed-in user (bearer JWT) over :class:`Cargo` rows (200: half the user's,
half someone else's):

* ``view``: ``GET /cargo/{id}``, ``current_user`` then ``session.get`` and a 404 when
  missing, no policy (the baseline);
* ``view_authorize``: the same answer through ``Depends(Authorize(Cargo, "view"))``: the
  row read through :class:`CargoPolicy`'s scope, then ``view`` checked;
* ``list``: ``GET /cargo``, the first 20 of the user's rows by id with a hand-written
  ``WHERE owner_id = ...`` (the baseline);
* ``list_scoped``: the same rows through ``scoped(select(Cargo), identity)``.

Both pairs answer the same bodies with the same number of queries (the tests check it);
the goal is ``Authorize`` within 5% of the baseline. :func:`prepare` makes the tables,
rows, user and token; servers load ``uvicorn --factory benchmarks.policies:view_app``.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import httpx
from fastapi import Depends
from sqlalchemy import Integer, Select, String, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from benchmarks.apps import BENCHMARK_SITE, LOADTEST_RATELIMIT
from benchmarks.auth import SECRET_KEY, Prepared, _user_id
from benchmarks.page_data import SCRATCH_ENV
from shipyard import App, Settings
from shipyard.api.resource.access import not_found
from shipyard.auth import CurrentIdentity, Identity
from shipyard.auth.tokens import TokensExtension
from shipyard.authz import Authorize, Policy, scoped
from shipyard.db import DbSession, RowId
from shipyard.db.extension import get_database
from shipyard.testing.credentials import access_token
from shipyard.testing.schema import create_tables

ROWS = 200
PAGE = 20
VIEW_PATH = "/cargo/1"
"""What the ``view`` variants are loaded with: the user's first row."""
LIST_PATH = "/cargo"
OTHER_OWNER = 999_999
"""The owner of the rows that are not the benchmark user's."""


class BenchBase(DeclarativeBase):
    """The benchmark's own metadata, so its table never joins the apps' ``Model``."""


class Cargo(BenchBase):
    """A row with an owner."""

    __tablename__ = "bench_cargo"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    label: Mapped[str] = mapped_column(String(40))
    owner_id: Mapped[int] = mapped_column(Integer, index=True)


class CargoPolicy(Policy[Cargo]):
    """Owners see their cargo."""

    def view(self, identity: Identity | None, cargo: Cargo) -> bool:
        """The owner."""
        return identity is not None and cargo.owner_id == identity.user.id

    def scope(self, query: Select[Any], identity: Identity | None) -> Select[Any]:
        """The caller's cargo."""
        return query.where(Cargo.owner_id == self.user_id(identity))


def row(cargo: Cargo) -> dict[str, Any]:
    """The JSON of one row."""
    return {"id": cargo.id, "label": cargo.label}


VARIANTS = ("view", "view_authorize", "list", "list_scoped")


def build(name: str, root: Path) -> App:
    """The app of variant ``name`` with its files (``app.db``) in ``root``."""
    root.mkdir(parents=True, exist_ok=True)
    settings = Settings.model_validate(
        {
            "profile": "production",
            "app": {"name": "benchmark", "secret_key": SECRET_KEY, **BENCHMARK_SITE},
            "database": {"url": f"sqlite+aiosqlite:///{root / 'app.db'}"},
            "ratelimit": LOADTEST_RATELIMIT,
        }
    )
    app = App(settings=settings, root=root, extensions=[TokensExtension(prefix=None)])
    if name == "view":

        @app.get("/cargo/{id}")
        async def view(id: RowId, session: DbSession, identity: CurrentIdentity) -> Any:
            cargo = await session.get(Cargo, id)
            if cargo is None or cargo.owner_id != identity.user.id:
                raise not_found("cargo", id)
            return row(cargo)

    elif name == "view_authorize":

        @app.get("/cargo/{id}")
        async def view_authorized(
            cargo: Annotated[Cargo, Depends(Authorize(Cargo, "view"))],
        ) -> dict[str, Any]:
            return row(cargo)

    elif name == "list":

        @app.get("/cargo")
        async def listed(session: DbSession, identity: CurrentIdentity) -> list[dict[str, Any]]:
            query = select(Cargo).where(Cargo.owner_id == identity.user.id)
            return [row(item) for item in await session.scalars(_page(query))]

    else:

        @app.get("/cargo")
        async def listed_scoped(
            session: DbSession, identity: CurrentIdentity
        ) -> list[dict[str, Any]]:
            query = scoped(select(Cargo), identity)
            return [row(item) for item in await session.scalars(_page(query))]

    return app


def _page(query: Select[Any]) -> Select[Any]:
    return query.order_by(Cargo.id).limit(PAGE)


def expected_answer(path: str) -> Any:
    """The JSON every variant serving ``path`` answers (the odd rows are the user's)."""
    if path == VIEW_PATH:
        return {"id": 1, "label": "cargo 1"}
    return [{"id": index, "label": f"cargo {index}"} for index in range(1, 2 * PAGE, 2)]


def answer_problem(path: str) -> Callable[[httpx.Response], str | None]:
    """A probe check: why a response to ``path`` is not the expected answer (None if it is)."""

    def problem(response: httpx.Response) -> str | None:
        try:
            if response.status_code == 200 and response.json() == expected_answer(path):
                return None
        except ValueError:
            pass
        return f"status {response.status_code}, not the user's cargo"

    return problem


def root_in(base: Path) -> Path:
    """The policies apps' directory (their SQLite database) under a scratch directory."""
    return base / "policies"


def _root() -> Path:
    return root_in(Path(os.environ.get(SCRATCH_ENV) or tempfile.gettempdir()))


def view_app() -> App:
    """``GET /cargo/{id}`` checked by hand: the baseline."""
    return build("view", _root())


def view_authorize_app() -> App:
    """``GET /cargo/{id}`` through ``Authorize(Cargo, "view")``."""
    return build("view_authorize", _root())


def list_app() -> App:
    """``GET /cargo`` filtered by hand: the baseline."""
    return build("list", _root())


def list_scoped_app() -> App:
    """``GET /cargo`` through the policy's scope."""
    return build("list_scoped", _root())


FACTORIES: dict[str, Callable[[], App]] = {
    "view": view_app,
    "view_authorize": view_authorize_app,
    "list": list_app,
    "list_scoped": list_scoped_app,
}
"""Variant name -> factory, in table order."""


async def prepare(name: str, root: Path) -> Prepared:
    """Set up variant ``name`` in ``root``: tables, rows, the user and a bearer token.

    The returned headers are what the load sends (``-H`` for wrk).
    """
    app = build(name, root)
    async with app.router.lifespan_context(app):
        database = get_database(app)
        async with database.engine.begin() as connection:
            await connection.run_sync(create_tables)
            await connection.run_sync(BenchBase.metadata.create_all)
        user_id = await _user_id(app)
        async with database.sessionmaker() as session, session.begin():
            if await session.scalar(select(Cargo.id).limit(1)) is None:
                session.add_all(
                    Cargo(label=f"cargo {index}", owner_id=user_id if index % 2 else OTHER_OWNER)
                    for index in range(1, ROWS + 1)
                )
        headers = {"Authorization": f"Bearer {await access_token(app, user_id)}"}
    return Prepared(headers, None)

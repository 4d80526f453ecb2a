"""The app the testing-helper tests run against: accounts, tokens and a permission model."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from shipyard import App, Settings
from shipyard.auth import AuthExtension, CurrentIdentity, Identity
from shipyard.auth.tokens import TokensExtension
from shipyard.authz import HasPermission
from shipyard.db import DbSession, IdMixin, Model, get_database
from shipyard.testing import schema

FAST_ARGON2 = {"argon2_time_cost": 1, "argon2_memory_cost": 8, "argon2_parallelism": 1}


class Article(IdMixin, Model):
    """A model with an author, for factories and scenarios."""

    __tablename__ = "testing_articles"

    title: Mapped[str]
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)


def routes() -> APIRouter:
    router = APIRouter(prefix="/api")

    @router.get("/me")
    async def me(identity: CurrentIdentity) -> dict[str, Any]:
        return {"id": identity.user.id, "method": identity.method}

    @router.post("/articles", status_code=201)
    async def create(
        identity: Annotated[Identity, Depends(HasPermission("articles:create"))],
        db: DbSession,
        title: str = "untitled",
    ) -> dict[str, Any]:
        article = Article(title=title, author_id=identity.user.id)
        db.add(article)
        await db.flush()
        return {"id": article.id, "method": identity.method}

    @router.delete("/articles", status_code=204)
    async def delete_all(
        _identity: Annotated[Identity, Depends(HasPermission("articles:delete"))],
    ) -> None:
        return None

    return router


def make_app(url: str, root: Path, *, tokens: bool = True) -> App:
    """An App with the account pages, (optionally) tokens and the demo API."""
    settings = Settings.model_validate(
        {"profile": "test", "database": {"url": url}, "auth": FAST_ARGON2}
    )
    extensions: list[Any] = [AuthExtension(prefix="/account")]
    if tokens:
        extensions.append(TokensExtension(prefix=None))
    app = App(settings=settings, root=root, extensions=extensions)
    app.include_router(routes())

    @app.on_startup
    async def create_tables(started: App) -> None:
        async with get_database(started).engine.begin() as connection:
            await connection.run_sync(schema.create_tables)

    @app.on_shutdown
    async def drop_tables(started: App) -> None:
        async with get_database(started).engine.begin() as connection:
            await connection.run_sync(schema.drop_tables)

    return app

"""Models the database tests share (registered once on ``Model.metadata``)."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shipyard.db import IdMixin, Model, TimestampMixin


class Author(IdMixin, Model):
    __tablename__ = "test_authors"

    name: Mapped[str] = mapped_column(String(100), unique=True)
    books: Mapped[list[Book]] = relationship(back_populates="author")


class Book(IdMixin, TimestampMixin, Model):
    __tablename__ = "test_books"

    title: Mapped[str] = mapped_column(String(200))
    author_id: Mapped[int] = mapped_column(
        ForeignKey("test_authors.id", ondelete="CASCADE"), index=True
    )
    author: Mapped[Author] = relationship(back_populates="books")

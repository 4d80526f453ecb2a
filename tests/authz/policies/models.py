"""Test models and their policies: notes (owner rules, 404 denials, field rules), boards
(403 denials, every row visible) and tags (no policy at all)."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from pydantic import BaseModel, ConfigDict
from sqlalchemy import Integer, Select, String
from sqlalchemy.orm import Mapped, mapped_column

from shipyard.api.query import Listing
from shipyard.api.resource import Resource
from shipyard.auth import Identity
from shipyard.authz import Policy, PolicyAccess
from shipyard.db import IdMixin, Model

Who = Identity | None


class PolicyNote(IdMixin, Model):
    __tablename__ = "policy_notes"

    title: Mapped[str] = mapped_column(String(100))
    secret: Mapped[str] = mapped_column(String(100), default="")
    owner_id: Mapped[int | None] = mapped_column(Integer, nullable=True)


class PolicyBoard(IdMixin, Model):
    __tablename__ = "policy_boards"

    name: Mapped[str] = mapped_column(String(100))
    owner_id: Mapped[int | None] = mapped_column(Integer, nullable=True)


class PolicyTag(IdMixin, Model):
    __tablename__ = "policy_tags"

    label: Mapped[str] = mapped_column(String(100))


class NotePolicy(Policy[PolicyNote]):
    """Owners see and change their notes; ``notes:admin`` does anything; secrets need
    ``notes:secret``; nobody but an admin sets ``owner_id``."""

    deny_status = 404

    def before(self, identity: Who, action: str, obj: Any) -> bool | None:
        return True if self.has_permission(identity, "notes:admin") else None

    def _owns(self, identity: Who, note: PolicyNote) -> bool:
        return identity is not None and note.owner_id == identity.user.id

    def view(self, identity: Who, note: PolicyNote) -> bool:
        return self._owns(identity, note)

    def create(self, identity: Who, note: PolicyNote) -> bool:
        return identity is not None

    def update(self, identity: Who, note: PolicyNote) -> bool:
        return self._owns(identity, note)

    def delete(self, identity: Who, note: PolicyNote) -> bool:
        return self._owns(identity, note)

    def publish(self, identity: Who, note: PolicyNote) -> bool:
        return self._owns(identity, note) and self.has_role(identity, "editor")

    def scope(self, query: Select[Any], identity: Who) -> Select[Any]:
        if self.has_permission(identity, "notes:admin"):
            return query
        return query.where(PolicyNote.owner_id == self.user_id(identity))

    def readable_fields(self, identity: Who) -> Collection[str] | None:
        if self.has_permission(identity, "notes:secret"):
            return None
        return {"id", "title", "owner_id"}

    def writable_fields(self, identity: Who) -> Collection[str] | None:
        return None if self.has_permission(identity, "notes:admin") else {"title", "secret"}

    def on_create(self, identity: Who, note: PolicyNote) -> None:
        if note.owner_id is None:
            note.owner_id = self.user_id(identity)


class BoardPolicy(Policy[PolicyBoard]):
    """Every board is visible to everyone; only its owner renames it (403 otherwise)."""

    def view(self, identity: Who, board: PolicyBoard) -> bool:
        return True

    def update(self, identity: Who, board: PolicyBoard) -> bool:
        return identity is not None and board.owner_id == identity.user.id

    def scope(self, query: Select[Any], identity: Who) -> Select[Any]:
        return query


class NoteOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    title: str
    secret: str
    owner_id: int | None


class NoteCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str
    secret: str = ""
    owner_id: int | None = None


class NoteUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str | None = None
    secret: str | None = None
    owner_id: int | None = None


notes = Resource(
    PolicyNote,
    listing=Listing(
        PolicyNote,
        sortable=["title", "secret"],
        filterable=["title", "secret", "owner_id"],
        selectable=["id", "title", "secret", "owner_id"],
        default_sort=["secret"],
        default_limit=2,
    ),
    schema_out=NoteOut,
    schema_create=NoteCreate,
    schema_update=NoteUpdate,
    label="note",
    access=PolicyAccess(PolicyNote),
)

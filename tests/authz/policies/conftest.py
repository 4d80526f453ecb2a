"""An App serving the notes API (a policy-guarded Resource), ``Authorize`` routes,
related-record selects, a form with field rules and templates asking ``can`` and
``can_read``; users and roles as in tests/authz."""

from __future__ import annotations

from typing import Annotated, Any

import pytest
from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from tests.authz.conftest import Run, demo_router, header_authenticator
from tests.authz.policies.models import PolicyBoard, PolicyNote, PolicyTag, notes
from tests.authz.test_has_permission import add_user

from shipyard import App, Settings
from shipyard.auth import OptionalIdentity, User, register_authenticator
from shipyard.authz import (
    Authorize,
    EditableFields,
    RequireScopes,
    create_role,
    scope_for,
    scoped,
)
from shipyard.db import DbSession
from shipyard.forms import FormResult, form_of
from shipyard.forms.choices import reference_choices
from shipyard.web import get_templates

ROW_TEMPLATE = (
    "{% for board in boards %}{{ board.name }}:{{ can('update', board) }}:"
    "{{ can_any(['delete', 'update'], board) }};{% endfor %}{{ can('posts:create') }}"
)

FIELDS_TEMPLATE = "{{ can_read('secret', note) }}:{{ can_read('title', Note) }}"


class NoteForm(BaseModel):
    title: str
    secret: str = ""
    owner_id: int | None = None


NoteFormDep = Annotated[
    FormResult[NoteForm], Depends(form_of(NoteForm, writable=EditableFields(PolicyNote)))
]


def policy_router() -> APIRouter:
    router = APIRouter()

    @router.get("/notes/{id}/page", response_class=HTMLResponse)
    async def note_page(note: Annotated[PolicyNote, Depends(Authorize(PolicyNote, "view"))]) -> str:
        return f"<p>{note.title}</p>"

    @router.post("/notes/{note_id}/publish")
    async def publish(
        note: Annotated[PolicyNote, Depends(Authorize(PolicyNote, "publish", param="note_id"))],
    ) -> dict[str, Any]:
        return {"published": note.id}

    @router.post("/boards/{id}/rename")
    async def rename(
        board: Annotated[PolicyBoard, Depends(Authorize(PolicyBoard, "update"))],
    ) -> dict[str, Any]:
        return {"renamed": board.id}

    @router.get("/boards", response_class=HTMLResponse)
    async def boards(request: Request, session: DbSession, identity: OptionalIdentity) -> str:
        rows = list(await session.scalars(scoped(select(PolicyBoard), identity)))
        template = get_templates(request.app).env.from_string(ROW_TEMPLATE)
        return template.render(request=request, boards=rows)

    @router.get("/note-choices")
    async def note_choices(
        session: DbSession, identity: OptionalIdentity, selected: str = ""
    ) -> dict[str, Any]:
        choices = await reference_choices(
            session,
            PolicyNote.id,
            PolicyNote.title,
            selected=selected,
            restrict=scope_for(identity),
        )
        return {"options": [list(item) for item in choices.options]}

    @router.get("/unpoliced-choices")
    async def unpoliced_choices(session: DbSession, identity: OptionalIdentity) -> dict[str, Any]:
        restrict = scope_for(identity, unpoliced="all")
        tags = await reference_choices(session, PolicyTag.id, PolicyTag.label, restrict=restrict)
        notes = await reference_choices(session, PolicyNote.id, PolicyNote.title, restrict=restrict)
        return {"tags": [label for _, label in tags.options], "notes": len(notes.options)}

    @router.post("/notes/form")
    async def note_form(form: NoteFormDep) -> dict[str, Any]:
        return {"changes": form.changes(), "locked": sorted(form.locked)}

    @router.get("/notes/{id}/fields", response_class=HTMLResponse)
    async def note_fields(
        request: Request, note: Annotated[PolicyNote, Depends(Authorize(PolicyNote, "view"))]
    ) -> str:
        template = get_templates(request.app).env.from_string(FIELDS_TEMPLATE)
        return template.render(request=request, note=note, Note=PolicyNote)

    @router.get("/scoped-read", dependencies=[Depends(RequireScopes("policy_notes:read"))])
    async def scoped_read() -> dict[str, bool]:
        return {"ok": True}

    return router


@pytest.fixture
def app(settings: Settings, tmp_path: Any) -> App:
    app = App(settings=settings, root=tmp_path)
    register_authenticator(app, header_authenticator, priority=50)
    app.include_router(demo_router())
    app.include_router(policy_router())
    app.include_router(notes.router("/api/notes"))
    return app


ANN, BOB, ADMIN, EDITOR = (
    "ann@example.com",
    "bob@example.com",
    "admin@example.com",
    "ed@example.com",
)


@pytest.fixture
def people(run: Run) -> dict[str, int]:
    """Ann and Bob (no roles), an admin (notes:*), an editor; their user ids."""
    run(lambda session: create_role(session, "notes-admin", ["notes:*"]))
    run(lambda session: create_role(session, "editor", ["posts:create"]))
    add_user(run, ANN)
    add_user(run, BOB)
    add_user(run, ADMIN, "notes-admin")
    add_user(run, EDITOR, "editor")

    async def ids(session: AsyncSession) -> dict[str, int]:
        rows = await session.execute(select(User.email, User.id))
        return {row.email: row.id for row in rows}

    result: dict[str, int] = run(ids)
    return result


@pytest.fixture
def rows(run: Run, people: dict[str, int]) -> dict[str, list[int]]:
    """Ann's notes a1..a3 (secrets s-a1...), Bob's b1, boards of Ann and Bob; ids by owner."""

    async def create(session: AsyncSession) -> dict[str, list[int]]:
        made: dict[str, list[Any]] = {"ann": [], "bob": [], "editor": [], "boards": []}
        for owner, titles in (("ann", ["a1", "a2", "a3"]), ("bob", ["b1"]), ("editor", ["e1"])):
            email = {"ann": ANN, "bob": BOB, "editor": EDITOR}[owner]
            for title in titles:
                note = PolicyNote(title=title, secret=f"s-{title}", owner_id=people[email])
                session.add(note)
                made[owner].append(note)
        for name, email in (("ann-board", ANN), ("bob-board", BOB)):
            board = PolicyBoard(name=name, owner_id=people[email])
            session.add(board)
            made["boards"].append(board)
        await session.flush()
        return {key: [item.id for item in items] for key, items in made.items()}

    result: dict[str, list[int]] = run(create)
    return result

"""The choices of a form field that references another table: a select, or a search.

A small table (up to :data:`SELECT_LIMIT` rows) is offered whole in a ``<select>``; a
larger one as a search box whose matches (:data:`SEARCH_LIMIT` at most) come from an
htmx endpoint as radio buttons, the chosen row always among them. The macro
``reference`` of ``forms/fields.html`` renders either, from a :class:`ReferenceChoices`::

    author = await reference_choices(session, User.id, User.email, selected=form.value("author_id"))

    @pages.get("/choices/author", name="post_author_choices")
    async def author_choices(request: Request, session: DbSession, q: SearchText = "",
                             author_id: SelectedId = "") -> Response:
        choices = await search_choices(session, User.id, User.email, q, selected=author_id)
        return choices_fragment(request, "author_id", choices, required=True)

``restrict=`` narrows every query (the options, the search and the lookup of the chosen
row) to the rows the user may see: ``restrict=scope_for(identity)`` from
``shipyard.authz`` applies the referenced model's policy scope, so a select never offers,
and a crafted ``selected=`` never reveals, a row outside it. On submit,
:func:`check_reference` holds the posted id to the same ``restrict``: a forged id is an
error on the field (422), never attached::

    await check_reference(session, form, "author_id", User.id, restrict=scope_for(identity))

Queries are built with SQLAlchemy (bound parameters, ``LIKE`` wildcards escaped) and
limited; :data:`SearchText` and :data:`SelectedId` refuse long or odd input with a 422.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Query, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import BigInteger, Select, SmallInteger, String, cast, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from shipyard.db.ids import BIG_ROW_ID_MAX, ROW_ID_MAX, SMALL_ROW_ID_MAX
from shipyard.forms.result import FormResult
from shipyard.web.render import render

SELECT_LIMIT = 100
"""A referenced table with at most this many rows is offered whole in a select."""
SEARCH_LIMIT = 20
"""How many matches a search answers (and a large table's form shows first)."""
SEARCH_MAX_LENGTH = 100
OPTIONS_TEMPLATE = "forms/reference_options.html"

SearchText = Annotated[
    str,
    Query(
        max_length=SEARCH_MAX_LENGTH,
        pattern=r"^[^\x00-\x1f\x7f]*$",
        description="Text the label contains (case-insensitive).",
    ),
]
"""The search box's text: up to 100 characters, no control characters (else 422)."""
SelectedId = Annotated[
    str,
    Query(max_length=19, pattern=r"^[0-9]*$", description="The row chosen so far, if any."),
]
"""The chosen row's id as the radio buttons send it: digits, or empty (else 422)."""
Restrict = Callable[[Select[Any]], Select[Any]]
"""Narrows a select of the referenced table to the rows the user may see."""


@dataclass(frozen=True)
class ReferenceChoices:
    """``(id, label)`` options, the chosen id, and whether the table needs a search."""

    options: Sequence[tuple[Any, str]]
    selected: int | None = None
    search: bool = False


def as_id(value: object, maximum: int = BIG_ROW_ID_MAX) -> int | None:
    """A form or query value as a row id: ASCII digits from 1 to ``maximum``, else None."""
    text = str(value) if value is not None else ""
    if not (text.isascii() and text.isdigit() and len(text) <= 19):
        return None
    number = int(text)
    return number if 1 <= number <= maximum else None


def _chosen(key: InstrumentedAttribute[Any], selected: object) -> int | None:
    """``selected`` as an id the key column can hold (a larger one would fail the query)."""
    if isinstance(key.type, SmallInteger):
        return as_id(selected, SMALL_ROW_ID_MAX)
    if isinstance(key.type, BigInteger):
        return as_id(selected, BIG_ROW_ID_MAX)
    return as_id(selected, ROW_ID_MAX)


async def reference_choices(
    session: AsyncSession,
    key: InstrumentedAttribute[Any],
    label: InstrumentedAttribute[Any],
    *,
    selected: object = None,
    restrict: Restrict | None = None,
) -> ReferenceChoices:
    """What a form shows for a reference: every row of a small table, else a search."""
    chosen = _chosen(key, selected)
    rows = await _options(session, key, label, limit=SELECT_LIMIT + 1, restrict=restrict)
    if len(rows) <= SELECT_LIMIT:
        return ReferenceChoices(rows, chosen)
    first = rows[:SEARCH_LIMIT]
    return ReferenceChoices(
        await _with_selected(session, key, label, first, chosen, restrict), chosen, True
    )


async def search_choices(
    session: AsyncSession,
    key: InstrumentedAttribute[Any],
    label: InstrumentedAttribute[Any],
    q: str,
    *,
    selected: object = None,
    restrict: Restrict | None = None,
) -> ReferenceChoices:
    """The rows whose label contains ``q`` (ignoring case), the chosen one first."""
    chosen = _chosen(key, selected)
    text = label if isinstance(label.type, String) else cast(label, String)
    condition = text.icontains(q, autoescape=True) if q else None
    rows = await _options(
        session, key, label, limit=SEARCH_LIMIT, where=condition, restrict=restrict
    )
    found = await _with_selected(session, key, label, rows, chosen, restrict)
    return ReferenceChoices(found, chosen, True)


async def check_reference(
    session: AsyncSession,
    form: FormResult[Any],
    name: str,
    key: InstrumentedAttribute[Any],
    *,
    restrict: Restrict | None = None,
) -> None:
    """Add an error to field ``name`` unless its id names a row ``restrict`` lets through.

    Checks a valid form only; an empty optional reference and a locked field (the user
    did not set it) pass. A missing row is refused the same way as one outside the scope.
    """
    if not form.is_valid or name in form.locked:
        return
    submitted = getattr(form.data, name)
    if submitted is None:
        return
    chosen = _chosen(key, submitted)
    statement = select(key).where(key == chosen).limit(1)
    if restrict is not None:
        statement = restrict(statement)
    if chosen is None or await session.scalar(statement) is None:
        form.add_error(name, "Choose one of the options offered.")


def choices_fragment(
    request: Request, name: str, choices: ReferenceChoices, *, required: bool
) -> HTMLResponse:
    """The radio buttons of a search's matches, for htmx to swap into the form."""
    context = {"name": name, "choices": choices, "required": required}
    return render(request, OPTIONS_TEMPLATE, context)


async def _options(
    session: AsyncSession,
    key: InstrumentedAttribute[Any],
    label: InstrumentedAttribute[Any],
    *,
    limit: int,
    where: Any = None,
    restrict: Restrict | None = None,
) -> list[tuple[Any, str]]:
    statement = select(key, label).order_by(label, key).limit(limit)
    if where is not None:
        statement = statement.where(where)
    if restrict is not None:
        statement = restrict(statement)
    return [(row[0], str(row[1])) for row in await session.execute(statement)]


async def _with_selected(
    session: AsyncSession,
    key: InstrumentedAttribute[Any],
    label: InstrumentedAttribute[Any],
    rows: list[tuple[Any, str]],
    chosen: int | None,
    restrict: Restrict | None,
) -> list[tuple[Any, str]]:
    """``rows`` with the chosen row first (looked up when the page left it out)."""
    if chosen is None or any(row[0] == chosen for row in rows):
        return rows
    found = await _options(session, key, label, limit=1, where=key == chosen, restrict=restrict)
    return [*found, *rows]

"""Reference choices: a select for a small table, a bounded search for a large one, the
chosen row always offered, LIKE wildcards taken literally, hostile search input a 422."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from pydantic import BaseModel
from sqlalchemy import Integer, Select, String
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shipyard.forms import FormResult
from shipyard.forms.choices import (
    SEARCH_LIMIT,
    SELECT_LIMIT,
    ReferenceChoices,
    SearchText,
    SelectedId,
    as_id,
    check_reference,
    reference_choices,
    search_choices,
)
from shipyard.web.templates import get_templates


class Base(DeclarativeBase):
    pass


class Harbour(Base):
    __tablename__ = "harbours"

    id: Mapped[int] = mapped_column(Integer(), primary_key=True)
    name: Mapped[str] = mapped_column(String(80))


@pytest.fixture
async def session() -> AsyncIterator[AsyncSession]:
    engine = create_async_engine("sqlite+aiosqlite:///:memory:")
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)
    async with async_sessionmaker(engine)() as session:
        yield session
    await engine.dispose()


async def add(session: AsyncSession, *names: str) -> list[Harbour]:
    harbours = [Harbour(name=name) for name in names]
    session.add_all(harbours)
    await session.flush()
    return harbours


async def test_a_small_table_is_offered_whole_in_label_order(session: AsyncSession) -> None:
    await add(session, "Oslo", "Brest", "Genoa")

    choices = await reference_choices(session, Harbour.id, Harbour.name, selected="2")

    assert not choices.search
    assert [label for _, label in choices.options] == ["Brest", "Genoa", "Oslo"]
    assert choices.selected == 2


async def test_a_large_table_is_searched_and_keeps_the_chosen_row(session: AsyncSession) -> None:
    harbours = await add(session, *(f"Port {number:03}" for number in range(SELECT_LIMIT + 1)))
    last = harbours[-1]

    choices = await reference_choices(session, Harbour.id, Harbour.name, selected=last.id)

    assert choices.search
    assert len(choices.options) == SEARCH_LIMIT + 1
    assert choices.options[0] == (last.id, last.name)


async def test_search_matches_case_insensitively_and_limits_the_answer(
    session: AsyncSession,
) -> None:
    await add(session, *(f"Harbour {number}" for number in range(SEARCH_LIMIT + 5)), "Dover")

    many = await search_choices(session, Harbour.id, Harbour.name, "HARBOUR")
    one = await search_choices(session, Harbour.id, Harbour.name, "ove")

    assert many.search
    assert len(many.options) == SEARCH_LIMIT
    assert [label for _, label in one.options] == ["Dover"]


async def test_wildcards_are_plain_text(session: AsyncSession) -> None:
    await add(session, "50% off", "Calais", "under_score")

    percent = await search_choices(session, Harbour.id, Harbour.name, "%")
    underscore = await search_choices(session, Harbour.id, Harbour.name, "_")

    assert [label for _, label in percent.options] == ["50% off"]
    assert [label for _, label in underscore.options] == ["under_score"]


async def test_a_label_that_is_not_text_is_searched_as_text(session: AsyncSession) -> None:
    harbours = await add(session, "Ancona", "Bari")

    choices = await search_choices(session, Harbour.id, Harbour.id, str(harbours[1].id))

    assert [value for value, _ in choices.options] == [harbours[1].id]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("7", 7),
        (7, 7),
        ("", None),
        (None, None),
        ("0", None),
        ("-1", None),
        ("٣", None),
        ("9" * 20, None),
        (str(2**63), None),
        (str(2**63 - 1), 2**63 - 1),
    ],
)
def test_only_ascii_digits_name_a_row(value: object, expected: int | None) -> None:
    assert as_id(value) == expected


async def test_a_chosen_id_past_the_key_column_is_no_choice(session: AsyncSession) -> None:
    await add(session, "Ancona")

    choices = await search_choices(session, Harbour.id, Harbour.name, "", selected="9" * 19)

    assert choices.selected is None
    assert [label for _, label in choices.options] == ["Ancona"]


def render(choices: ReferenceChoices, **arguments: Any) -> str:
    env = get_templates(FastAPI()).env
    source = (
        '{% import "forms/fields.html" as f %}'
        '{{ f.reference("harbour_id", choices=choices, source="/choices/harbour", **arguments) }}'
    )
    return env.from_string(source).render(choices=choices, arguments=arguments, **arguments)


def test_the_macro_renders_a_select_for_a_small_table() -> None:
    html = render(ReferenceChoices([(1, "Brest"), (2, "Oslo")], selected=2), required=True)

    assert '<select id="field-harbour_id" name="harbour_id" required="">' in html
    assert '<option value="2" selected="">Oslo</option>' in html
    assert "hx-get" not in html


def test_the_macro_renders_a_search_with_radio_buttons_for_a_large_table() -> None:
    choices = ReferenceChoices([(1, "Brest"), (2, "Oslo")], selected=2, search=True)

    html = render(choices, label="Harbour", required=False)

    assert 'type="search"' in html
    assert 'hx-get="/choices/harbour"' in html
    assert 'hx-include="#field-harbour_id"' in html
    assert 'data-sy-search=""' in html
    assert '<input type="radio" name="harbour_id" value="2" checked> Oslo' in html
    assert '<input type="radio" name="harbour_id" value=""> None' in html
    assert "<script" not in html
    assert "<legend>Harbour</legend>" in html


async def test_search_parameters_refuse_hostile_input_with_422() -> None:
    app = FastAPI()

    @app.get("/choices")
    async def choices(q: SearchText = "", harbour_id: SelectedId = "") -> dict[str, str]:
        return {"q": q, "harbour_id": harbour_id}

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        fine = await client.get("/choices", params={"q": "50% off", "harbour_id": "12"})
        refused = [
            (await client.get("/choices", params=params)).status_code
            for params in (
                {"q": "x" * 101},
                {"q": "a\x00b"},
                {"q": "line\nbreak"},
                {"harbour_id": "1 OR 1=1"},
                {"harbour_id": "9" * 20},
            )
        ]

    assert fine.json() == {"q": "50% off", "harbour_id": "12"}
    assert refused == [422] * 5


class HarbourForm(BaseModel):
    harbour_id: int | None = None


def submitted(harbour_id: int | None) -> FormResult[HarbourForm]:
    return FormResult.validate(HarbourForm, {"harbour_id": harbour_id}, {})


def north_only(statement: Select[Any]) -> Select[Any]:
    return statement.where(Harbour.name != "Brest")


async def test_a_submitted_reference_must_be_a_row_the_restriction_lets_through(
    session: AsyncSession,
) -> None:
    brest, oslo = await add(session, "Brest", "Oslo")
    checked = {}
    for harbour_id in (oslo.id, brest.id, 999, 2**40, None):
        form = submitted(harbour_id)
        await check_reference(session, form, "harbour_id", Harbour.id, restrict=north_only)
        checked[harbour_id] = form.error("harbour_id")

    refused = ["Choose one of the options offered."]
    assert checked == {oslo.id: [], brest.id: refused, 999: refused, 2**40: refused, None: []}


async def test_an_invalid_or_locked_reference_is_not_checked(session: AsyncSession) -> None:
    invalid = FormResult.validate(HarbourForm, {"harbour_id": "x"}, {})
    locked = FormResult.validate(HarbourForm, {"harbour_id": 5}, {}, writable=set())

    for form in (invalid, locked):
        await check_reference(session, form, "harbour_id", Harbour.id, restrict=north_only)

    assert invalid.errors["harbour_id"] != ["Choose one of the options offered."]
    assert locked.is_valid

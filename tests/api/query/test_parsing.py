"""Parsing and validating list queries (no database): good input, and every kind of bad."""

from __future__ import annotations

from typing import Any

import pytest
from tests.api.query.models import QueryAuthor, QueryItem, QueryPublisher
from tests.api.query.routes import items

from shipyard.api.query import PROBLEM_TYPE, Listing, ListQuery
from shipyard.errors import ShipyardError
from shipyard.web import HTTPProblem


def parse(*params: tuple[str, str]) -> ListQuery:
    return items.parse(list(params))


def problem(*params: tuple[str, str]) -> HTTPProblem:
    with pytest.raises(HTTPProblem) as caught:
        items.parse(list(params))
    assert caught.value.status_code == 400
    assert caught.value.type == PROBLEM_TYPE.slug
    return caught.value


def entries(*params: tuple[str, str]) -> list[dict[str, Any]]:
    errors: list[dict[str, Any]] = problem(*params).extra["errors"]
    return errors


# sorting


def test_default_sort_ends_with_the_primary_key() -> None:
    query = parse()

    assert query.sort_text == "title,id"
    assert [(t.name, t.descending, t.nullable) for t in query.sort] == [
        ("title", False, False),
        ("id", False, False),
    ]


def test_several_sort_terms_with_directions_and_a_relationship() -> None:
    query = parse(("sort", "-at, author.name,count"))

    assert query.sort_text == "-at,author.name,count,id"
    assert [t.nullable for t in query.sort] == [True, True, True, False]
    assert query.joins == ("author",)


def test_sorting_by_the_primary_key_adds_no_second_tiebreaker() -> None:
    assert parse(("sort", "-id")).sort_text == "-id"


@pytest.mark.parametrize(
    ("raw", "kind"),
    [
        ("nope", "unknown_field"),
        ("title,", "empty"),
        (",title", "empty"),
        ("-", "empty"),
        ("--title", "invalid"),
        ("+title", "invalid"),
        ("id;delete", "invalid"),
        ("id; DROP TABLE query_test_items", "invalid"),
        ("title,-title", "duplicate"),
        ("tïtle", "invalid"),
        ("author", "unknown_field"),
        ("author.id", "unknown_field"),
        ("x" * 201, "too_long"),
        (",".join(["id"] * 40), "too_many"),
    ],
)
def test_bad_sort_is_a_400_naming_the_allowed_fields(raw: str, kind: str) -> None:
    [entry] = entries(("sort", raw))

    assert entry["loc"] == ["query", "sort"]
    assert entry["type"] == kind
    if kind not in {"duplicate", "too_long"}:
        assert entry["allowed"] == list(items.sortable)
        assert "author.name" in entry["allowed"]


def test_a_huge_bad_value_is_not_echoed_back() -> None:
    [entry] = entries(("sort", "-" + "y" * 150))

    assert len(entry["msg"]) < 400
    assert "y" * 50 not in entry["msg"]


# filtering


def test_filters_are_parsed_and_typed() -> None:
    query = parse(("count__gte", "3"), ("author.name__in", "a,b"), ("title", "ignored"))

    assert [(f.name, f.op, f.value) for f in query.filters] == [
        ("count", "gte", 3),
        ("author.name", "in", ["a", "b"]),
    ]
    assert query.joins == ("author",)


def test_unknown_filter_field_lists_the_filterable_fields() -> None:
    [entry] = entries(("nope__eq", "1"))

    assert entry["type"] == "unknown_field"
    assert entry["field"] == "nope__eq"
    assert entry["allowed"] == list(items.filterable)


def test_operator_not_allowed_on_a_field_lists_its_operators() -> None:
    [entry] = entries(("title__gt", "a"))

    assert entry["type"] == "unknown_operator"
    assert entry["allowed"] == [
        f"title__{op}" for op in ("eq", "ne", "in", "not_in", "contains", "icontains", "startswith")
    ]


@pytest.mark.parametrize(
    ("param", "text", "message"),
    [
        ("count__eq", "ten", "is not an integer"),
        ("count__eq", "1.5", "is not an integer"),
        ("count__eq", "99999999999", "out of range"),
        ("small__eq", "40000", "out of range"),
        ("big__eq", str(2**63), "out of range"),
        ("big__eq", "1" * 30, "is not an integer"),
        ("ratio__gt", "nan", "not a finite number"),
        ("ratio__gt", "inf", "not a finite number"),
        ("price__lt", "1e999999", "sensible size"),
        ("price__lt", "12,5", "not a decimal"),
        ("active__eq", "maybe", "not a boolean"),
        ("active__isnull", "2", "not a boolean"),
        ("day__eq", "2024-13-01", "not an ISO date"),
        ("at__gt", "2024-05-01T10:00:00", "has no time zone"),
        ("at__gt", "2024-05-01T10:00:00 02:00", "send the offset as %2B"),
        ("at__gt", "yesterday", "not an ISO datetime"),
        ("ref__eq", "not-a-uuid", "not a UUID"),
        ("count__between", "1", "two values"),
        ("count__between", "1,2,3", "two values"),
        ("count__between", "5,1", "greater than the high"),
        ("count__in", ",".join(["1"] * 101), "at most 100"),
        ("title__in", "a\\b", "backslash must be followed"),
        ("title__eq", "x" * 1001, "longer than 1000"),
        ("title__eq", "nul\x00byte", "NUL"),
    ],
)
def test_bad_filter_value_is_a_400_for_that_parameter(param: str, text: str, message: str) -> None:
    [entry] = entries((param, text))

    assert entry["type"] == "invalid_value"
    assert entry["field"] == param
    assert message in entry["msg"]


def test_bad_enum_value_lists_the_choices() -> None:
    [entry] = entries(("color__in", "red,purple"))

    assert entry["allowed"] == ["red", "green", "blue"]


def test_limit_cannot_be_smuggled_in_as_a_filter() -> None:
    [entry] = entries(("limit__eq", "100000"))
    assert entry["type"] == "unknown_field"

    query = parse(("count__lt", "5"), ("limit", "7"))
    assert query.limit == 7
    assert [f.name for f in query.filters] == ["count"]


@pytest.mark.parametrize("name", ["limit", "sort", "cursor", "count__eq"])
def test_a_parameter_given_twice_is_refused(name: str) -> None:
    [entry] = entries((name, "5"), (name, "50"))

    assert entry["type"] == "repeated"


def test_more_than_twenty_different_filters_are_too_many() -> None:
    params = [
        (f"{f}__{op}", "1")
        for f in ("count", "small", "big")
        for op in ("eq", "ne", "lt", "lte", "gt", "gte", "in", "not_in")
    ]

    [entry] = entries(*params)

    assert entry["type"] == "too_many"


def test_every_mistake_is_reported_at_once() -> None:
    raised = problem(("sort", "nope"), ("count__eq", "x"), ("fields", "zzz"), ("limit", "0"))

    assert [e["field"] for e in raised.extra["errors"]] == ["sort", "count__eq", "fields", "limit"]
    assert (
        raised.detail
        == "cannot sort by 'nope'; sortable fields: " + ", ".join(items.sortable) + " (and 3 more)"
    )


# fields, q, pagination parameters


def test_fields_default_to_every_selectable_field() -> None:
    query = parse()

    assert query.fields == tuple(items.selectable)
    assert query.fields_requested is False


def test_naming_a_join_selects_its_fields() -> None:
    query = parse(("fields", "id,author"))

    assert query.fields == ("id", "author.name", "author.publisher.name")


@pytest.mark.parametrize(
    ("raw", "kind"),
    [
        ("id,", "empty"),
        ("id,nope", "unknown_field"),
        ("id,id", "duplicate"),
        ("author,author.name", "duplicate"),
        ("id;1", "unknown_field"),
        ("x" * 1001, "too_long"),
    ],
)
def test_bad_fields_are_a_400(raw: str, kind: str) -> None:
    [entry] = entries(("fields", raw))

    assert entry["type"] == kind
    if kind in {"unknown_field", "empty"}:
        assert entry["allowed"][:2] == ["id", "title"]
        assert "author" in entry["allowed"]


def test_q_is_stripped_and_limited() -> None:
    assert parse(("q", "  sea  ")).q == "sea"
    assert parse(("q", "   ")).q is None
    assert entries(("q", "x" * 201))[0]["type"] == "too_long"


def test_q_without_a_search_hook_is_refused() -> None:
    plain = Listing(QueryAuthor)

    with pytest.raises(HTTPProblem) as caught:
        plain.parse([("q", "x")])

    assert caught.value.extra["errors"][0]["type"] == "unsupported"


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ([], (10, None, None, False)),
        ([("limit", "50"), ("total", "true")], (50, None, None, True)),
        ([("cursor", "abc_-="), ("limit", "1")], (1, "abc_-=", None, False)),
        ([("offset", "0")], (10, None, 0, False)),
        ([("offset", "20"), ("total", "0")], (10, None, 20, False)),
    ],
)
def test_pagination_parameters_pass_through(
    params: list[tuple[str, str]], expected: tuple[Any, ...]
) -> None:
    query = items.parse(params)

    assert (query.limit, query.cursor, query.offset, query.with_total) == expected


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ([("limit", "0")], "limit"),
        ([("limit", "51")], "limit"),
        ([("limit", "-1")], "limit"),
        ([("limit", "1e2")], "limit"),
        ([("limit", "9" * 50)], "limit"),
        ([("offset", "-1")], "offset"),
        ([("offset", "99999999999")], "offset"),
        ([("offset", "1"), ("cursor", "abc")], "offset"),
        ([("cursor", "c" * 1001)], "cursor"),
        ([("total", "sure")], "total"),
    ],
)
def test_bad_pagination_parameters_are_a_400(params: list[tuple[str, str]], field: str) -> None:
    [entry] = entries(*params)

    assert entry["field"] == field


def test_offset_can_be_switched_off() -> None:
    cursor_only = Listing(QueryAuthor, allow_offset=False)

    with pytest.raises(HTTPProblem):
        cursor_only.parse([("offset", "10")])


# declarations


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"sortable": ["nope"]}, "has no column attribute 'nope'"),
        ({"sortable": ["author"]}, "has no column attribute 'author'"),
        ({"sortable": ["author.name"]}, "undeclared join 'author'"),
        ({"sortable": ["id", "id"]}, "lists 'id' twice"),
        ({"joins": ["nope"]}, "has no relationship 'nope'"),
        ({"joins": ["author.publisher"]}, "needs its parent 'author'"),
        ({"filterable": {"title": ["gt", "zz"]}}, "'zz' on QueryItem.title does not exist"),
        ({"filterable": {"active": ["lt"]}}, "does not apply to QueryItem.active"),
        ({"filterable": {"ref": ["contains"]}}, "does not apply"),
        ({"default_sort": ["-nope"]}, "default_sort is invalid"),
        ({"default_limit": 500}, "default_limit 500"),
        ({"selectable": ["a__b"]}, "is not a valid name"),
    ],
)
def test_declaration_mistakes_fail_early_and_clearly(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ShipyardError) as caught:
        Listing(QueryItem, **kwargs)

    assert message in str(caught.value)


def test_to_many_relationships_cannot_be_joined() -> None:
    with pytest.raises(ShipyardError, match="to-many"):
        Listing(QueryPublisher, joins=["authors"])

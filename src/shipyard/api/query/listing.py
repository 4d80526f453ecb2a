"""``Listing``: the declaration of a list resource, and the :class:`ListQuery` it parses.

A :class:`Listing` names what clients may sort by, filter on (and with which operators)
and select, plus the joins those go through. Used as a dependency it reads the query
string, checks every parameter and returns a validated :class:`ListQuery`, or answers
400 with a problem document listing each mistake and what is allowed. The query applies
itself to a select (joins, WHERE, ORDER BY, loader options), values always as bound
parameters; pagination (``limit``, ``cursor``, ``offset``) is left to the paginator.
"""

from __future__ import annotations

import inspect
import re
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from fastapi import Depends, Query, Request
from sqlalchemy import ColumnElement, Select
from sqlalchemy.orm.interfaces import ORMOption

from shipyard.api.query import filtering, selection, sorting
from shipyard.api.query.coerce import parse_bool
from shipyard.api.query.errors import QueryErrors
from shipyard.api.query.fields import Fields, ResolvedField
from shipyard.api.query.filtering import Filter, FilterableSpec, FilterField
from shipyard.api.query.sorting import SortTerm
from shipyard.core.openapi import declares_problems
from shipyard.errors import ShipyardError

RESERVED = ("sort", "fields", "q", "limit", "cursor", "offset", "total")
"""Query parameters a listing owns; they are never filters."""
MAX_CURSOR_LENGTH = 1000
MAX_OFFSET = 2**31 - 1
_DIGITS = re.compile(r"^[0-9]{1,10}$")

Search = Callable[[Select[Any], str], Select[Any]]
"""Full-text hook: ``search(select, q) -> select`` narrowed to the rows matching ``q``."""


@dataclass(frozen=True)
class ListQuery:
    """A validated list request: sort, filters, fields, ``q`` and the pagination params."""

    listing: Listing
    sort: tuple[SortTerm, ...]
    filters: tuple[Filter, ...]
    fields: tuple[str, ...]
    fields_requested: bool
    q: str | None
    limit: int
    cursor: str | None
    offset: int | None
    with_total: bool
    joins: tuple[str, ...]
    options: tuple[ORMOption, ...]

    @property
    def sort_text(self) -> str:
        """The resolved sort as ``?sort=`` text, tiebreaker included (binds cursors)."""
        return ",".join(term.text for term in self.sort)

    def where(self) -> list[ColumnElement[bool]]:
        """The filter conditions (``q`` is applied by the search hook in :meth:`apply`)."""
        return [item.clause() for item in self.filters]

    def apply(self, statement: Select[Any]) -> Select[Any]:
        """``statement`` with the joins, WHERE, search, ORDER BY and loader options.

        Limit, offset and cursors are the paginator's. Loader options are added only
        when the statement selects the listing's model as an ORM entity.
        """
        fields = self.listing.fields
        statement = fields.outer_joins(statement, fields.chain(self.joins))
        for condition in self.where():
            statement = statement.where(condition)
        if self.q is not None and self.listing.search is not None:
            statement = self.listing.search(statement, self.q)
        statement = statement.order_by(*(term.order_by() for term in self.sort))
        if self.options and any(
            item.get("expr") is fields.model for item in statement.column_descriptions
        ):
            statement = statement.options(*self.options)
        return statement

    def project(self, item: Any) -> dict[str, Any]:
        """``item`` reduced to the selected fields (nested for joined fields)."""
        return selection.project(item, self.fields)


@declares_problems(400)
class Listing:
    """Declares a list resource; ``Depends(listing)`` gives the request's :class:`ListQuery`.

    ``sortable``/``selectable`` are field names (``"title"``, ``"author.name"``);
    ``filterable`` is names (default operators for the type) or names mapped to operator
    lists; ``joins`` the many-to-one relationship paths those names go through.
    ``default_sort`` is used without ``?sort=``; the primary key always ends the sort.
    """

    def __init__(
        self,
        model: type[Any],
        *,
        sortable: Sequence[str] = (),
        filterable: FilterableSpec = (),
        selectable: Sequence[str] = (),
        joins: Iterable[str] = (),
        default_sort: Sequence[str] = (),
        max_limit: int = 100,
        default_limit: int = 20,
        search: Search | None = None,
        allow_offset: bool = True,
        max_q_length: int = 200,
    ) -> None:
        name = model.__name__
        if not 1 <= default_limit <= max_limit:
            raise ShipyardError(
                f"Listing({name}): default_limit {default_limit} is not within 1..{max_limit}"
            )
        self.fields = Fields(model, joins)
        self.sortable = self.fields.resolve_all(sortable, "sortable")
        self.filterable = filtering.declare(self.fields, filterable)
        self.selectable = self.fields.resolve_all(selectable, "selectable")
        self.max_limit = max_limit
        self.default_limit = default_limit
        self.search = search
        self.allow_offset = allow_offset
        self.max_q_length = max_q_length
        errors = QueryErrors()
        terms = sorting.parse_terms(",".join(default_sort), self.sortable, errors)
        if default_sort and terms is None:
            messages = "; ".join(entry["msg"] for entry in errors.entries)
            raise ShipyardError(f"Listing({name}): default_sort is invalid: {messages}")
        self.default_sort = sorting.with_tiebreaker(terms or [], self.fields.primary_key)
        self.dependency = self._dependency()
        self.__signature__ = inspect.signature(self.dependency)

    @property
    def model(self) -> type[Any]:
        return self.fields.model

    async def __call__(self, request: Request, **_: Any) -> ListQuery:
        """The dependency: ``Depends(listing)`` (documented like :attr:`dependency`)."""
        return self.parse(request.query_params.multi_items())

    def parse(
        self, params: Sequence[tuple[str, str]], readable: Collection[str] | None = None
    ) -> ListQuery:
        """Validate the query parameters ``params``; HTTPProblem 400 listing each mistake.

        ``readable`` (field names; None: all) hides the other fields: sorting, filtering
        on or selecting one is the same 400 as for an unknown field, and the default sort
        and selection leave them out.
        """
        allowed = _Allowed.of(self, readable)
        errors = QueryErrors()
        counts = Counter(name for name, _ in params)
        for name, count in counts.items():
            if count > 1 and (name in RESERVED or filtering.is_filter(name)):
                errors.add(name, f"{name} is given {count} times; give it once", kind="repeated")
        errors.raise_if_any()  # repeated parameters make the rest ambiguous
        raw = dict(params)
        sort = self._sort(raw.get("sort"), allowed, errors)
        filters = filtering.parse(params, allowed.filterable, errors)
        fields = self._fields(raw.get("fields"), allowed, errors)
        q = self._q(raw.get("q"), errors)
        limit = self._limit(raw.get("limit"), errors)
        offset = self._offset(raw.get("offset"), raw.get("cursor"), errors)
        cursor = raw.get("cursor") or None
        if cursor is not None and len(cursor) > MAX_CURSOR_LENGTH:
            errors.add("cursor", "cursor is too long; use one this API returned", kind="invalid")
        with_total = self._flag("total", raw.get("total"), errors)
        errors.raise_if_any()
        sort_fields = [allowed.sortable.get(term.name) for term in sort]
        joins = {field.join for field in sort_fields if field and field.join}
        joins |= {item.field.join for item in filters if item.field.join}
        options = selection.load_options(
            self.fields,
            fields,
            explicit="fields" in raw,
            always=[*self.fields.primary_key, *(field for field in sort_fields if field)],
        )
        return ListQuery(
            listing=self,
            sort=sort,
            filters=tuple(filters),
            fields=fields,
            fields_requested="fields" in raw,
            q=q,
            limit=limit,
            cursor=cursor,
            offset=offset,
            with_total=with_total,
            joins=tuple(sorted(joins)),
            options=tuple(options),
        )

    def _sort(
        self, raw: str | None, allowed: _Allowed, errors: QueryErrors
    ) -> tuple[SortTerm, ...]:
        if raw is None:
            if allowed.sortable is self.sortable:
                return self.default_sort
            visible = [term for term in self.default_sort if term.name in allowed.sortable]
            return sorting.with_tiebreaker(visible, self.fields.primary_key)
        terms = sorting.parse_terms(raw, allowed.sortable, errors)
        return sorting.with_tiebreaker(terms or [], self.fields.primary_key)

    def _fields(self, raw: str | None, allowed: _Allowed, errors: QueryErrors) -> tuple[str, ...]:
        if raw is None:
            return tuple(allowed.selectable)
        return selection.parse(raw, allowed.selectable, self.fields.joins, errors) or ()

    def _q(self, raw: str | None, errors: QueryErrors) -> str | None:
        text = (raw or "").strip()
        if not text:
            return None
        if self.search is None:
            errors.add("q", "this list has no full-text search; remove q", kind="unsupported")
        elif len(text) > self.max_q_length:
            errors.add("q", f"q is longer than {self.max_q_length} characters", kind="too_long")
        elif "\x00" in text:
            errors.add("q", "q must not contain NUL characters", kind="invalid")
        return text

    def _limit(self, raw: str | None, errors: QueryErrors) -> int:
        if raw is None:
            return self.default_limit
        if _DIGITS.match(raw) and 1 <= int(raw) <= self.max_limit:
            return int(raw)
        errors.add(
            "limit",
            f"limit must be a whole number from 1 to {self.max_limit}",
            kind="invalid_value",
        )
        return self.default_limit

    def _offset(self, raw: str | None, cursor: str | None, errors: QueryErrors) -> int | None:
        if raw is None:
            return None
        if not self.allow_offset:
            errors.add(
                "offset", "this list pages by cursor only; remove offset", kind="unsupported"
            )
        elif cursor:
            errors.add("offset", "give either cursor or offset, not both", kind="conflict")
        elif _DIGITS.match(raw) and int(raw) <= MAX_OFFSET:
            return int(raw)
        else:
            errors.add(
                "offset",
                f"offset must be a whole number from 0 to {MAX_OFFSET}",
                kind="invalid_value",
            )
        return None

    @staticmethod
    def _flag(name: str, raw: str | None, errors: QueryErrors) -> bool:
        if raw is None:
            return False
        try:
            return parse_bool(raw)
        except ValueError as exc:
            errors.add(name, str(exc), kind="invalid_value")
            return False

    def dependency_for(
        self, principal: Callable[..., Any], readable: Callable[[Any], Collection[str] | None]
    ) -> Callable[..., Any]:
        """Like :attr:`dependency`, parsing with the fields ``readable(principal)`` allows.

        ``principal`` is the dependency resolving the caller (a policy's identity).
        """
        return self._dependency(principal, readable)

    def _dependency(
        self,
        principal: Callable[..., Any] | None = None,
        readable: Callable[[Any], Collection[str] | None] | None = None,
    ) -> Callable[..., Any]:
        """A dependency whose signature documents every parameter in the OpenAPI schema."""

        async def dependency(request: Request, **values: Any) -> ListQuery:
            fields = readable(values["principal"]) if readable is not None else None
            return self.parse(request.query_params.multi_items(), fields)

        documented = {
            "sort": f"Sort by: {', '.join(self.sortable)}; '-' for descending.",
            "fields": f"Fields to return: {', '.join(self.selectable)}.",
            "q": f"Full-text search (at most {self.max_q_length} characters).",
            "limit": f"Items per page, 1 to {self.max_limit} (default {self.default_limit}).",
            "cursor": "Opaque cursor from a previous page.",
            "offset": "Rows to skip (offset pagination)." if self.allow_offset else None,
            "total": "true to include the total count (costly).",
        }
        if self.search is None:
            documented["q"] = None
        if not self.selectable:
            documented["fields"] = None
        parameters = [
            inspect.Parameter("request", inspect.Parameter.POSITIONAL_ONLY, annotation=Request)
        ]
        names = [(name, text) for name, text in documented.items() if text is not None]
        names += [
            (param, f"Filter {declared.field.name} ({param.rpartition('__')[2]}).")
            for declared in self.filterable.values()
            for param in declared.params
        ]
        for index, (alias, description) in enumerate(names):
            parameters.append(
                inspect.Parameter(
                    f"p{index}",
                    inspect.Parameter.KEYWORD_ONLY,
                    default=Query(None, alias=alias, description=description),
                    annotation=str | None,
                )
            )
        if principal is not None:
            parameters.append(
                inspect.Parameter(
                    "principal", inspect.Parameter.KEYWORD_ONLY, default=Depends(principal)
                )
            )
        dependency.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
        return dependency


@dataclass(frozen=True)
class _Allowed:
    """The allowlists of a listing as one caller sees them (unreadable fields removed)."""

    sortable: dict[str, ResolvedField]
    filterable: dict[str, FilterField]
    selectable: dict[str, ResolvedField]

    @classmethod
    def of(cls, listing: Listing, readable: Collection[str] | None) -> _Allowed:
        if readable is None:
            return cls(listing.sortable, listing.filterable, listing.selectable)
        return cls(
            {name: item for name, item in listing.sortable.items() if visible(name, readable)},
            {name: item for name, item in listing.filterable.items() if visible(name, readable)},
            {name: item for name, item in listing.selectable.items() if visible(name, readable)},
        )


def visible(name: str, readable: Collection[str] | None) -> bool:
    """True if the field ``name`` (``author.name``: its first part) is in ``readable``."""
    return readable is None or name.partition(".")[0] in readable

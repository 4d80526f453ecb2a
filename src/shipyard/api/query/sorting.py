"""``?sort=-created_at,title``: parsing against the allowlist into :class:`SortTerm` s.

A term is a sortable field name, ``-`` in front for descending. The resolved sort always
ends with the primary key (unless the client already sorted by it), so the order is total
and keyset pagination can rely on it. NULL placement is explicit and identical on every
backend: ascending puts NULLs last, descending puts them first.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement

from shipyard.api.query.errors import QueryErrors, shorten
from shipyard.api.query.fields import NAME, ResolvedField

MAX_SORT_LENGTH = 200


@dataclass(frozen=True)
class SortTerm:
    """One ORDER BY column: public ``name``, SQL ``column``, direction, NULL-ability."""

    name: str
    column: ColumnElement[Any]
    descending: bool
    nullable: bool

    def order_by(self) -> ColumnElement[Any]:
        """The ORDER BY clause: ASC NULLS LAST or DESC NULLS FIRST (NULL is 'largest')."""
        if self.descending:
            clause = self.column.desc()
            return clause.nulls_first() if self.nullable else clause
        clause = self.column.asc()
        return clause.nulls_last() if self.nullable else clause

    @property
    def text(self) -> str:
        """The term as written in ``?sort=`` (``-name`` when descending)."""
        return f"-{self.name}" if self.descending else self.name


def term(field: ResolvedField, descending: bool) -> SortTerm:
    return SortTerm(field.name, field.column, descending, field.nullable)


def parse_terms(
    raw: str, sortable: Mapping[str, ResolvedField], errors: QueryErrors, param: str = "sort"
) -> list[SortTerm] | None:
    """The terms of ``raw`` (None after recording errors); every term is checked."""
    allowed = list(sortable)
    allowed_text = ", ".join(allowed) or "none"
    if len(raw) > MAX_SORT_LENGTH:
        errors.add(param, f"sort is longer than {MAX_SORT_LENGTH} characters", kind="too_long")
        return None
    parts = raw.split(",")
    if len(parts) > len(sortable):
        errors.add(
            param,
            f"{len(parts)} sort terms given; at most {len(sortable)} (one per sortable field)",
            kind="too_many",
            allowed=allowed,
        )
        return None
    terms: list[SortTerm] = []
    seen: set[str] = set()
    ok = True
    for part in parts:
        text = part.strip()
        descending = text.startswith("-")
        name = text[1:] if descending else text
        if not name:
            errors.add(param, "empty sort term", kind="empty", allowed=allowed)
        elif not NAME.match(name):
            errors.add(
                param,
                f"{shorten(text)} is not a sort term: a field name, '-' in front for "
                f"descending (allowed fields: {allowed_text})",
                kind="invalid",
                allowed=allowed,
            )
        elif name not in sortable:
            errors.add(
                param,
                f"cannot sort by {shorten(name)}; sortable fields: {allowed_text}",
                kind="unknown_field",
                allowed=allowed,
            )
        elif name in seen:
            errors.add(param, f"{shorten(name)} is sorted by twice", kind="duplicate")
        else:
            seen.add(name)
            terms.append(term(sortable[name], descending))
            continue
        ok = False
    return terms if ok else None


def with_tiebreaker(
    terms: Sequence[SortTerm], primary_key: Sequence[ResolvedField]
) -> tuple[SortTerm, ...]:
    """``terms`` followed by the primary key columns not already in them (ascending)."""
    names = {t.name for t in terms}
    extra = [term(field, False) for field in primary_key if field.name not in names]
    return (*terms, *extra)

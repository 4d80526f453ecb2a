"""Object-level access rules a :class:`~shipyard.api.resource.Resource` enforces.

A resource built with ``access=`` (``shipyard.authz.PolicyAccess(Ship)`` implements
:class:`Access`) resolves the caller with ``access.principal`` on every route and then:

- narrows every read (list, get, update, delete, the count and every cursor page) with
  ``access.scope``, so a row outside the scope is a 404 by id and never in a list;
- asks ``access.check`` before showing, creating, changing or deleting a row;
- restricts sort, filters and ``?fields=`` to ``access.readable_fields`` (another field
  is the same 400 as an unknown one) and drops unreadable fields from every response;
- refuses a body setting a field outside ``access.writable_fields`` with a 422.

This package sits below ``shipyard.auth``/``shipyard.authz``, so the principal is opaque
here: whatever ``access.principal`` (a FastAPI dependency) returns.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from typing import Any, Protocol

from sqlalchemy import Select

from shipyard.core.problems import NOT_FOUND, VALIDATION, HTTPProblem

NOBODY: Any = object()
"""Default of the ``principal`` argument: "not given" (None is an anonymous caller)."""


class Access(Protocol):
    """The rules of one model for one caller (the *principal*)."""

    @property
    def principal(self) -> Callable[..., Any]:
        """A FastAPI dependency giving the request's principal (None when anonymous)."""
        ...

    def scope(self, statement: Select[Any], principal: Any) -> Select[Any]:
        """``statement`` narrowed to the rows ``principal`` may see."""
        ...

    def check(self, principal: Any, action: str, obj: Any) -> None:
        """Raise the 401/403/404 for ``action`` on ``obj`` when it is not allowed."""
        ...

    def readable_fields(self, principal: Any) -> Collection[str] | None:
        """Fields ``principal`` may read (None: all)."""
        ...

    def writable_fields(self, principal: Any) -> Collection[str] | None:
        """Fields ``principal`` may set (None: all)."""
        ...

    def prepare(self, principal: Any, obj: Any) -> None:
        """Fill in a new row from its creator (an owner) before it is checked and saved."""
        ...


def not_found(label: str, id: Any) -> HTTPProblem:
    """The 404 for a missing row, and for one the caller may not know exists (same body)."""
    return NOT_FOUND.exception(f"There is no {label} {id}.", extra={"resource": label, "id": id})


def unwritable(names: Iterable[str], fields: Collection[str] | None) -> HTTPProblem | None:
    """The 422 naming each of ``names`` outside ``fields`` (None when all may be set)."""
    refused = [name for name in names if fields is not None and name not in fields]
    if not refused:
        return None
    errors = [
        {
            "loc": ["body", name],
            "field": name,
            "pointer": f"/{name}",
            "msg": f"You may not set {name}.",
            "type": "forbidden_field",
        }
        for name in refused
    ]
    return VALIDATION.exception(f"You may not set {', '.join(refused)}.", extra={"errors": errors})

"""Asking policies from code: ``authorize``, ``can``, ``scoped`` and the field rules.

::

    authorize(identity, "update", ship)           # raises a 403 (or 404) problem
    if can(identity, "publish", post): ...
    ships = await session.scalars(scoped(select(Ship), identity))

A denial raised here renders like any problem: problem JSON for API clients, the error
page (or its htmx fragment) in the app's layout for browsers. ``authorize`` does not know
the request, so an anonymous caller gets the same 403/404; the ``Authorize`` dependency
asks them to log in instead.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from typing import Any, Literal

from sqlalchemy import Select, false

from shipyard.api.resource.access import not_found
from shipyard.auth.identity import Identity
from shipyard.authz.permissions import grants
from shipyard.authz.policy import model_of, object_id
from shipyard.authz.registry import Decision, policies
from shipyard.core.problems import PERMISSION_DENIED, HTTPProblem
from shipyard.errors import ShipyardError


def label_of(model: type[Any]) -> str:
    """How problem details name a model's rows (``ship``)."""
    return model.__name__.lower()


def hides(decision: Decision, obj: Any) -> bool:
    """True if the denial answers 404: the policy hides existing rows (not a new one)."""
    return decision.status == 404 and object_id(obj) is not None


def denial(decision: Decision, action: str, obj: Any) -> HTTPProblem:
    """The problem for a denied ``action`` on ``obj``: 404 (as if missing) or 403."""
    label = label_of(model_of(obj))
    if hides(decision, obj):
        return not_found(label, object_id(obj))
    article = "this" if object_id(obj) is not None else "a"
    return HTTPProblem(
        403,
        "Permission denied",
        f"You may not {action} {article} {label}.",
        type=PERMISSION_DENIED.slug,
        extra={"action": action, "resource": label},
    )


def authorize(identity: Identity | None, action: str, obj: Any) -> None:
    """Raise the 403/404 problem unless ``identity`` may ``action`` on ``obj``."""
    decision = policies.decide(identity, action, obj)
    if not decision.allowed:
        raise denial(decision, action, obj)


def authorize_new(identity: Identity | None, obj: Any) -> None:
    """Let the policy fill in a new row (``on_create``: an owner), then authorize ``create``."""
    policy = policies.policy_for(model_of(obj))
    if policy is not None:
        policy.on_create(identity, obj)
    authorize(identity, "create", obj)


def can(identity: Identity | None, action: str, obj: Any) -> bool:
    """True if ``identity`` may ``action`` on ``obj`` (a row, or a model class); not logged."""
    return policies.decide(identity, action, obj, log=False).allowed


def can_any(identity: Identity | None, actions: Iterable[str], obj: Any) -> bool:
    """True if ``identity`` may do at least one of ``actions`` on ``obj``."""
    return any(can(identity, action, obj) for action in actions)


def _statement_model(statement: Select[Any]) -> type[Any]:
    for described in statement.column_descriptions:
        entity = described.get("entity")
        if isinstance(entity, type):
            return entity
    raise ShipyardError("scoped() needs a select of a mapped model or of its columns")


def scoped(
    statement: Select[Any], identity: Identity | None, model: type[Any] | None = None
) -> Select[Any]:
    """``statement`` narrowed to the rows of ``model`` that ``identity`` may see.

    ``model`` defaults to the statement's first entity (``select(Ship)``,
    ``select(Ship.id, Ship.name)``).
    A model without a policy: no rows (``authz.missing_policy = "allow"``: all rows). A
    token whose scopes do not cover ``<resource>:read``: no rows.
    """
    model = model or _statement_model(statement)
    policy = policies.policy_for(model)
    if policy is None:
        return statement if policies.missing == "allow" else statement.where(false())
    if identity is not None and not identity.user.is_active:
        return statement.where(false())
    if (
        identity is not None
        and identity.scopes is not None
        and not grants(identity.scopes, policy.scope_name("view"))
    ):
        return statement.where(false())
    return policy.scope(statement, identity)


def scope_for(
    identity: Identity | None, *, unpoliced: Literal["deny", "all"] = "deny"
) -> Callable[[Select[Any]], Select[Any]]:
    """``scoped`` bound to ``identity``: the ``restrict=`` of related-record choices.

    A referenced model without a policy offers no row, as ``scoped`` answers;
    ``unpoliced="all"`` offers all of its rows instead (a reference to ``User``, which
    apps do not police), while a model that has a policy is always held to its scope.
    """

    def restrict(statement: Select[Any]) -> Select[Any]:
        if unpoliced == "all" and policies.policy_for(_statement_model(statement)) is None:
            return statement
        return scoped(statement, identity)

    return restrict


def readable_fields(identity: Identity | None, model: type[Any]) -> Collection[str] | None:
    """The fields of ``model`` ``identity`` may read (None: every field)."""
    policy = policies.policy_for(model)
    return policy.readable_fields(identity) if policy is not None else None


def writable_fields(identity: Identity | None, model: type[Any]) -> Collection[str] | None:
    """The fields of ``model`` ``identity`` may set (None: every field)."""
    policy = policies.policy_for(model)
    return policy.writable_fields(identity) if policy is not None else None


def editable_fields(identity: Identity | None, model: type[Any]) -> Collection[str] | None:
    """The fields of ``model`` a form lets ``identity`` set: writable *and* readable.

    A form shows the value it edits, so a field ``identity`` may not read is locked too
    (the API, which never echoes a write, keeps the two rules apart). None: every field.
    """
    writable = writable_fields(identity, model)
    readable = readable_fields(identity, model)
    if writable is None or readable is None:
        return writable if readable is None else readable
    return set(writable) & set(readable)

"""``Authorize(Ship, "update")``: load the record named in the path, check it, hand it over.

::

    @router.patch("/ships/{id}")
    async def rename(ship: Annotated[Ship, Depends(Authorize(Ship, "update"))]) -> ...:

The record is read through the policy's scope, so one the caller may not see is a 404
exactly like a missing one. A denied action is the policy's ``deny_status`` (403, or 404
to hide existence); an anonymous caller denied a 403 is asked to log in (redirect,
``HX-Redirect`` or 401, as ``current_user`` does). ``param`` names the path parameter
(``"id"`` by default), an integer row id bounded to what the key column holds.

:class:`PolicyAccess` is the same enforcement for :class:`shipyard.api.resource.Resource`.
"""

from __future__ import annotations

import inspect
from collections.abc import Collection, Sequence
from typing import Annotated, Any, Generic, TypeVar, cast

from fastapi import Depends, Path, Request
from sqlalchemy import Select, bindparam, select
from sqlalchemy import inspect as inspect_model
from sqlalchemy.orm.interfaces import ORMOption

from shipyard.api.resource.access import not_found
from shipyard.auth.deps import authentication_required, optional_user
from shipyard.auth.identity import Identity
from shipyard.authz.enforce import (
    denial,
    editable_fields,
    hides,
    label_of,
    readable_fields,
    scoped,
    writable_fields,
)
from shipyard.authz.policy import Policy
from shipyard.authz.registry import policies
from shipyard.core.openapi import declares_problems
from shipyard.core.problems import AUTHENTICATION_REQUIRED
from shipyard.db.ids import row_id_for
from shipyard.db.session import DbSession
from shipyard.errors import ShipyardError

ModelT = TypeVar("ModelT")
OptionalIdentity = Annotated[Identity | None, Depends(optional_user)]


def check(request: Request | None, identity: Identity | None, action: str, obj: Any) -> None:
    """Raise the denial for ``action`` on ``obj``; an anonymous 403 asks to log in instead.

    With the request, the login request suits the client (redirect, ``HX-Redirect`` or
    401); without it (a JSON API resource) it is a 401 problem with a Bearer challenge.
    """
    decision = policies.decide(identity, action, obj)
    if decision.allowed:
        return
    if identity is None and not hides(decision, obj):
        if request is not None:
            raise authentication_required(request)
        raise AUTHENTICATION_REQUIRED.exception(
            "Log in to do this.", headers={"WWW-Authenticate": 'Bearer realm="api"'}
        )
    raise denial(decision, action, obj)


_KEY = "shipyard_authorize_key"
"""The bound parameter of the path's id in :attr:`Authorize.by_key`."""


@declares_problems(403, 404)
class Authorize(Generic[ModelT]):
    """A dependency giving the row of ``model`` named by the path, if ``action`` is allowed."""

    def __init__(
        self,
        model: type[ModelT],
        action: str,
        *,
        param: str = "id",
        load: Sequence[ORMOption] = (),
    ) -> None:
        keys = inspect_model(model).primary_key
        if len(keys) != 1:
            raise ShipyardError(f"Authorize({model.__name__}) needs a single-column primary key")
        self.model = model
        self.action = action
        self.param = param
        self.load = tuple(load)
        self.key = keys[0]
        self.by_key = select(model).options(*self.load).where(self.key == bindparam(_KEY))
        """The row by its key, built once: a request adds only its policy's scope."""
        description = f"The {label_of(model)}'s id."
        annotation = row_id_for(self.key.type, description=description)
        if annotation is None:
            python_type = self.key.type.python_type
            annotation = cast(Any, Annotated)[python_type, Path(description=description)]
        kind = inspect.Parameter.KEYWORD_ONLY
        self.__signature__ = inspect.Signature(
            [
                inspect.Parameter("request", kind, annotation=Request),
                inspect.Parameter("session", kind, annotation=DbSession),
                inspect.Parameter("identity", kind, annotation=OptionalIdentity),
                inspect.Parameter(param, kind, annotation=annotation),
            ]
        )

    async def __call__(self, **values: Any) -> ModelT:
        request: Request = values["request"]
        identity: Identity | None = values["identity"]
        id = values[self.param]
        statement = scoped(self.by_key, identity, self.model)
        rows = await values["session"].scalars(statement, {_KEY: id})
        row: ModelT | None = (rows.unique() if self.load else rows).one_or_none()
        if row is None:
            raise not_found(label_of(self.model), id)
        check(request, identity, self.action, row)
        return row

    def __repr__(self) -> str:
        return f"Authorize({self.model.__name__}, {self.action!r})"


class EditableFields:
    """A form's ``writable=``: the fields of ``model`` the caller may set, by its policy.

    ``form_of(ShipForm, writable=EditableFields(Ship))``: :func:`editable_fields` for the
    request's identity, the policy's ``writable_fields`` that are also readable (None:
    every field; no policy: every field, as the form then declares what may be set).
    """

    def __init__(self, model: type[Any]) -> None:
        self.model = model

    def __call__(self, identity: OptionalIdentity) -> Collection[str] | None:
        return editable_fields(identity, self.model)

    def __repr__(self) -> str:
        return f"EditableFields({self.model.__name__})"


class PolicyAccess:
    """A policy as a Resource's ``access=``: scope, checks and field rules.

    ``PolicyAccess(ShipPolicy)`` or ``PolicyAccess(Ship)`` (the registered policy is looked
    up at each request, so it may be declared later).
    """

    def __init__(self, model_or_policy: type[Any]) -> None:
        if issubclass(model_or_policy, Policy):
            model_or_policy = model_or_policy.model
        self.model: type[Any] = model_or_policy

    @property
    def principal(self) -> Any:
        return optional_user

    def scope(self, statement: Select[Any], principal: Any) -> Select[Any]:
        return scoped(statement, principal, self.model)

    def check(self, principal: Any, action: str, obj: Any) -> None:
        check(None, principal, action, obj)

    def readable_fields(self, principal: Any) -> Collection[str] | None:
        return readable_fields(principal, self.model)

    def writable_fields(self, principal: Any) -> Collection[str] | None:
        return writable_fields(principal, self.model)

    def prepare(self, principal: Any, obj: Any) -> None:
        policy = policies.policy_for(self.model)
        if policy is not None:
            policy.on_create(principal, obj)

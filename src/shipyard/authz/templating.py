"""The ``can``, ``can_any`` and ``can_read`` template globals.

``can("posts:create")`` asks the permission; ``can("update", post)`` asks the post's
policy; ``can_any(["update", "delete"], post)`` any of the actions;
``can_read("secret", post)`` (or ``can_read("secret", Post)`` for a column heading)
whether the policy's ``readable_fields`` show the field. They answer for the
Identity already resolved for the request (``request.state.identity``, set when a
dependency such as ``current_user``, ``optional_user`` or ``HasPermission`` ran) and
never query: the user's roles are loaded with the identity, so a list of rows costs no
query per row. A page for anonymous visitors that wants them to see a signed-in user
must depend on ``optional_user``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from jinja2 import pass_context
from jinja2.runtime import Context

from shipyard.auth.identity import Identity, resolved_identity
from shipyard.authz import enforce
from shipyard.authz.checks import allows
from shipyard.authz.policy import model_of
from shipyard.web.templates import register_template_global

if TYPE_CHECKING:
    from fastapi import FastAPI

_PERMISSION_ONLY: Any = object()


def _identity(context: Context) -> tuple[bool, Identity | None]:
    request = context.get("request")
    if request is None:
        return False, None
    return True, resolved_identity(request)


@pass_context
def can(context: Context, what: str, obj: Any = _PERMISSION_ONLY) -> bool:
    """``can("posts:create")``: the permission; ``can("update", post)``: the policy."""
    known, identity = _identity(context)
    if not known:
        return False
    if obj is _PERMISSION_ONLY:
        return allows(identity, what)
    return enforce.can(identity, what, obj)


@pass_context
def can_any(context: Context, actions: Iterable[str], obj: Any) -> bool:
    """True if the request's identity may do at least one of ``actions`` on ``obj``."""
    known, identity = _identity(context)
    return known and enforce.can_any(identity, actions, obj)


@pass_context
def can_read(context: Context, field: str, obj: Any) -> bool:
    """True if the request's identity may read ``field`` of ``obj`` (a row or a model)."""
    known, identity = _identity(context)
    if not known:
        return False
    readable = enforce.readable_fields(identity, model_of(obj))
    return readable is None or field in readable


def register_authz_globals(app: FastAPI) -> None:
    """Add ``can``, ``can_any`` and ``can_read`` to the templates of ``app``."""
    register_template_global(app, "can", can)
    register_template_global(app, "can_any", can_any)
    register_template_global(app, "can_read", can_read)

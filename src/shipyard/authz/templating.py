"""The ``can("posts:create")`` template global.

It answers for the Identity already resolved for the request (``request.state.identity``,
set when a dependency such as ``current_user``, ``optional_user`` or ``HasPermission``
ran); it never queries. A page for anonymous visitors that wants ``can`` to see a signed-in
user must depend on ``optional_user``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from jinja2 import pass_context
from jinja2.runtime import Context

from shipyard.auth.identity import resolved_identity
from shipyard.authz.checks import allows
from shipyard.web.templates import register_template_global

if TYPE_CHECKING:
    from fastapi import FastAPI


@pass_context
def can(context: Context, permission: str) -> bool:
    """True if the request's resolved identity holds ``permission``."""
    request = context.get("request")
    if request is None:
        return False
    return allows(resolved_identity(request), permission)


def register_authz_globals(app: FastAPI) -> None:
    """Add ``can`` to the templates of ``app``."""
    register_template_global(app, "can", can)

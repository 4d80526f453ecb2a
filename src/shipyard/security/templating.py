"""The security template globals: ``csrf_token()``, ``csrf_field()``, ``csp_nonce()`` and
``get_flashed_messages()``, each reading the ``request`` of the render context.

``get_flashed_messages()`` in a template never forces a store read: on a session that was
not loaded (the endpoint did not use it) it returns nothing and leaves the messages queued
for the next page that loads the session. Error pages therefore never eat a flash.
Pages rendered before the sessions layer (a refusal by the body-size limit) have no
session: there ``csrf_token()`` and ``csrf_field()`` are empty and no message is shown.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from shipyard.security.csrf import csrf_field, csrf_token
from shipyard.security.headers import csp_nonce
from shipyard.sessions.session import SCOPE_KEY, Session, get_session
from shipyard.web.flash import FlashMessage, get_flashed_messages
from shipyard.web.templates import register_template_global

if TYPE_CHECKING:
    from fastapi import FastAPI
    from starlette.requests import HTTPConnection


def _has_session(request: HTTPConnection) -> bool:
    return isinstance(request.scope.get(SCOPE_KEY), Session)


@pass_context
def _csrf_token(context: Context) -> str:
    request = context["request"]
    return csrf_token(request) if _has_session(request) else ""


@pass_context
def _csrf_field(context: Context) -> Markup:
    request = context["request"]
    return csrf_field(request) if _has_session(request) else Markup("")


@pass_context
def _csp_nonce(context: Context) -> str:
    return csp_nonce(context["request"])


@pass_context
def _get_flashed_messages(context: Context) -> list[FlashMessage]:
    request = context["request"]
    if not _has_session(request) or not get_session(request).loaded:
        return []
    return get_flashed_messages(request)


def register_security_globals(app: FastAPI) -> None:
    """Make the security helpers callable from every template of ``app``."""
    register_template_global(app, "csrf_token", _csrf_token)
    register_template_global(app, "csrf_field", _csrf_field)
    register_template_global(app, "csp_nonce", _csp_nonce)
    register_template_global(app, "get_flashed_messages", _get_flashed_messages)

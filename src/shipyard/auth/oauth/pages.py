"""The sign-in routes: start (to the provider), callback (back from it), unlink.

``GET /{provider}/start`` (query: ``next``, ``intent`` = login or link) stores the pending
sign-in in the session and sends the browser to the provider. A link, not a form: the
strict CSP's ``form-action 'self'`` would block a form's redirect to the provider, and
starting needs no CSRF token (the state binds the callback to this browser's session, and
a forced start can only sign the browser's own provider account in or link it).
``GET /{provider}/callback`` (rate-limited like the login form) claims it by ``state``,
checks the provider's ``iss`` (RFC 9207) and error, exchanges the code and acts on the
identity. Anything wrong ends on a friendly page in the app's layout (logged with the
reason), never a 500. ``POST /{provider}/unlink`` disconnects a provider.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.ext.asyncio import AsyncSession, async_object_session

from shipyard.auth.deps import CurrentUser, OptionalIdentity, authentication_required
from shipyard.auth.identity import Identity
from shipyard.auth.models import User
from shipyard.auth.oauth.accounts import complete_sign_in, has_password, identities_of, unlink
from shipyard.auth.oauth.client import authorization_url, fetch_profile
from shipyard.auth.oauth.discovery import DIRECTORY
from shipyard.auth.oauth.errors import START_AGAIN, OAuthFailure
from shipyard.auth.oauth.flow import Intent, begin, claim
from shipyard.auth.oauth.providers import Provider, app_providers, find_provider
from shipyard.auth.redirects import safe_next
from shipyard.core.urls import absolute_url_for
from shipyard.db.request import request_session
from shipyard.db.session import DbSession
from shipyard.ratelimit import RateLimit
from shipyard.security import flash
from shipyard.web import PageRouter, render

logger = logging.getLogger("shipyard.auth.oauth")

AUTH_LIMIT = Depends(RateLimit.named("auth"))
"""The limit of the login form, on the callback too (``ratelimit.named.auth``)."""

DENIED = "You cancelled the sign-in with {provider}: nothing was changed."
UNKNOWN_PROVIDER = "There is no sign-in with this provider here."

oauth_pages = PageRouter()
"""The routes (mounted by ``OAuthExtension`` under its prefix)."""


def _failure_page(request: Request, provider: str, failure: OAuthFailure) -> Response:
    logger.warning("oauth sign-in with %s failed: %s", provider, failure.reason)
    context = {"title": "Sign-in not completed", "text": failure.user_message}
    return render(request, "oauth/error.html", context, status_code=failure.status)


def _provider(request: Request, name: str) -> Provider:
    provider = find_provider(request.app, name)
    if provider is None:
        raise OAuthFailure(f"unknown provider {name!r}", UNKNOWN_PROVIDER, status=404)
    return provider


def _callback_url(request: Request, provider: Provider) -> str:
    """Under ``app.base_url`` when set (a forged ``Host`` cannot move it); else, in
    development, on the host the browser used, so its session cookie comes back."""
    app = request.app
    if app.settings.app.base_url is not None:
        return absolute_url_for(app, "oauth_callback", provider=provider.name)
    return str(request.url_for("oauth_callback", provider=provider.name))


def _account_path(request: Request) -> str:
    return request.url_for("auth_account").path


@oauth_pages.get("/{provider}/start", name="oauth_start", dependencies=[AUTH_LIMIT])
async def start(
    request: Request, provider: str, identity: OptionalIdentity, next: str = "", intent: str = ""
) -> Response:
    """Send the browser to the provider; ``intent=link`` needs a signed-in user."""
    chosen_intent: Intent = "link" if intent == "link" else "login"
    try:
        chosen = _provider(request, provider)
        if chosen_intent == "link" and identity is None:
            raise authentication_required(request)
        default = _account_path(request) if chosen_intent == "link" else ""
        next_path = safe_next(next, default)
        user_id = identity.user.id if chosen_intent == "link" and identity is not None else None
        directory = DIRECTORY.get(request.app)
        state, pending = await begin(
            request, chosen.name, next_path, chosen_intent, user_id, directory.now()
        )
        url = await authorization_url(
            directory, chosen, _callback_url(request, chosen), state, pending
        )
    except OAuthFailure as failure:
        return _failure_page(request, provider, failure)
    return RedirectResponse(url, status_code=303)


@oauth_pages.get("/{provider}/callback", name="oauth_callback", dependencies=[AUTH_LIMIT])
async def callback(
    request: Request, provider: str, db: DbSession, identity: OptionalIdentity
) -> Response:
    """Finish the sign-in the provider sent the browser back from."""
    try:
        target = await _finish(request, provider, db, identity)
    except OAuthFailure as failure:
        return _failure_page(request, provider, failure)
    return RedirectResponse(target, status_code=303)


async def _finish(request: Request, name: str, db: AsyncSession, identity: Identity | None) -> str:
    provider = _provider(request, name)
    query = request.query_params
    settings = request.app.settings.oauth
    directory = DIRECTORY.get(request.app)
    pending = await claim(
        request, query.get("state"), provider.name, settings.state_max_age, directory.now()
    )
    issuer = query.get("iss")
    if issuer is not None and provider.is_oidc:
        expected = (await directory.metadata(provider))["issuer"]
        if issuer != expected and "{tenantid}" not in expected:
            raise OAuthFailure(f"iss {issuer!r} is not {expected!r} (mix-up)", START_AGAIN)
    error = query.get("error")
    if error is not None:
        text = DENIED if error == "access_denied" else "{provider} refused the sign-in."
        reason = f"provider answered error={error!r} {query.get('error_description')!r}"
        raise OAuthFailure(reason, text.format(provider=provider.label))
    code = query.get("code")
    if not code:
        raise OAuthFailure("callback without code", START_AGAIN)
    profile = await fetch_profile(
        directory,
        provider,
        _callback_url(request, provider),
        code,
        pending,
        settings.state_max_age,
    )
    target = await complete_sign_in(request, db, provider, profile, pending, identity)
    verb = "connected" if pending.intent == "link" else "signed in with"
    flash(request, f"You {verb} {provider.label}.", "success")
    return target


@oauth_pages.post("/{provider}/unlink", name="oauth_unlink")
async def unlink_provider(
    request: Request, provider: str, user: CurrentUser, db: DbSession
) -> Response:
    """Disconnect ``provider`` from the signed-in account (never the last way in)."""
    try:
        label = await unlink(request, db, user, provider)
    except OAuthFailure as failure:
        logger.info("unlinking %s for user %s refused: %s", provider, user.id, failure.reason)
        flash(request, failure.user_message, "error")
    else:
        flash(request, f"{label} is disconnected.", "success")
    return RedirectResponse(_account_path(request), status_code=303)


async def connected_section(request: Request, user: User) -> tuple[str, dict[str, Any]] | None:
    """The account page's connected-accounts section (None without providers)."""
    providers = app_providers(request.app)
    db = async_object_session(user) or request_session(request.scope)
    if not providers or db is None:
        return None
    links = {link.provider: link for link in await identities_of(db, user.id)}
    rows = [{"provider": each, "link": links.get(name)} for name, each in providers.items()]
    only_way = not has_password(user) and len(links) == 1
    return "oauth/_connected.html", {"rows": rows, "only_way": only_way}

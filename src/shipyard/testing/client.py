"""The identity-aware test client: ``client.as_user(user)`` and ``client.get_as(user, url)``.

:class:`ShipyardClient` is an ``httpx.AsyncClient`` calling the app in-process. Its
:meth:`~ShipyardClient.as_user` returns another client on the same app and transport that
is authenticated as a user with a REAL credential made directly
(:mod:`shipyard.testing.credentials`): a login session in the session store with its
signed cookie, a JWT from the token service, or an API key. Passwords and login URLs are
never involved, and the app checks the credential as it checks any other (an inactive
user is refused by the framework's central check).

A session-authenticated client behaves like a browser about CSRF: on unsafe methods it
sends ``X-CSRF-Token`` with a token of the session in its current cookie (after the app
rotates the id, the new one), unless the request already carries one or the client was
made with ``csrf=False`` (to test that the app refuses requests without it).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal

import httpx
from starlette.requests import cookie_parser

from shipyard.auth.models import User
from shipyard.core.app import AppBase
from shipyard.errors import ShipyardError
from shipyard.security.csrf_middleware import UNSAFE_METHODS
from shipyard.testing import credentials

Via = Literal["session", "jwt", "api_key"]
VIAS: tuple[Via, ...] = ("session", "jwt", "api_key")
BASE_URL = "http://testserver"


class ShipyardClient(httpx.AsyncClient):
    """An in-process client for ``app``; :meth:`as_user` gives authenticated ones."""

    def __init__(
        self,
        app: AppBase,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        base_url: str = BASE_URL,
        csrf: bool = False,
        **kwargs: Any,
    ) -> None:
        self.app = app
        self.app_transport = transport or httpx.ASGITransport(app=app)
        hooks: dict[str, list[Any]] = {"request": [self._add_csrf_token]} if csrf else {}
        super().__init__(
            transport=self.app_transport, base_url=base_url, event_hooks=hooks, **kwargs
        )
        self._identities: dict[tuple[int, Via], ShipyardClient] = {}
        self._children: list[ShipyardClient] = []

    # -- authenticated clients ---------------------------------------------------------

    async def as_user(
        self,
        user: User | int,
        *,
        via: Via = "session",
        scopes: Iterable[str] | None = None,
        csrf: bool = True,
    ) -> ShipyardClient:
        """A client on the same app and transport, authenticated as ``user``.

        ``via="session"`` stores a login session and sets its signed cookie;
        ``via="jwt"`` sends a fresh access token (needs ``TokensExtension``);
        ``via="api_key"`` sends a new API key as ``X-API-Key``. ``scopes`` restricts a
        token or key. ``csrf=False`` stops the automatic CSRF header of a session client.
        """
        if via not in VIAS:
            raise ShipyardError(
                f"as_user(via={via!r}) is not a way to authenticate",
                hint="use via='session', 'jwt' or 'api_key'",
            )
        if scopes is not None and via == "session":
            raise ShipyardError(
                "a login session cannot be restricted by scopes",
                hint="use via='jwt' or via='api_key' to test scopes",
            )
        headers = httpx.Headers(self.headers)
        child = ShipyardClient(
            self.app,
            transport=self.app_transport,
            base_url=str(self.base_url),
            csrf=via == "session" and csrf,
            headers=headers,
            follow_redirects=self.follow_redirects,
        )
        if via == "session":
            header = await credentials.login_session_cookie(self.app, user)
            child.store_set_cookie(header)
        elif via == "jwt":
            token = await credentials.access_token(self.app, user, scopes=scopes)
            child.headers["Authorization"] = f"Bearer {token}"
        else:
            key = await credentials.api_key(self.app, user, scopes=scopes)
            child.headers[self.app.settings.tokens.api_keys.header_name] = key
        self._children.append(child)
        return child

    async def _for(self, user: User | int, via: Via) -> ShipyardClient:
        """The cached client for ``(user, via)``, made on first use."""
        user_id = user if isinstance(user, int) else user.id
        cached = self._identities.get((user_id, via))
        if cached is None:
            cached = self._identities[(user_id, via)] = await self.as_user(user, via=via)
        return cached

    async def get_as(
        self, user: User | int, url: str, *, via: Via = "session", **kwargs: Any
    ) -> httpx.Response:
        """``GET url`` as ``user`` (one credential per user and method, reused)."""
        return await (await self._for(user, via)).get(url, **kwargs)

    async def post_as(
        self, user: User | int, url: str, *, via: Via = "session", **kwargs: Any
    ) -> httpx.Response:
        """``POST url`` as ``user``; a session client adds the CSRF header."""
        return await (await self._for(user, via)).post(url, **kwargs)

    async def put_as(
        self, user: User | int, url: str, *, via: Via = "session", **kwargs: Any
    ) -> httpx.Response:
        """``PUT url`` as ``user``; a session client adds the CSRF header."""
        return await (await self._for(user, via)).put(url, **kwargs)

    async def patch_as(
        self, user: User | int, url: str, *, via: Via = "session", **kwargs: Any
    ) -> httpx.Response:
        """``PATCH url`` as ``user``; a session client adds the CSRF header."""
        return await (await self._for(user, via)).patch(url, **kwargs)

    async def delete_as(
        self, user: User | int, url: str, *, via: Via = "session", **kwargs: Any
    ) -> httpx.Response:
        """``DELETE url`` as ``user``; a session client adds the CSRF header."""
        return await (await self._for(user, via)).delete(url, **kwargs)

    # -- cookies and CSRF --------------------------------------------------------------

    def store_set_cookie(self, header: tuple[bytes, bytes]) -> None:
        """Keep a ``Set-Cookie`` header in the cookie jar, as a browser would."""
        request = httpx.Request("GET", self.base_url)
        response = httpx.Response(200, headers=[header], request=request)
        self.cookies.extract_cookies(response)

    def csrf_token(self) -> str:
        """A masked CSRF token for this client's current session (as a page would hold)."""
        raw = self.cookies.get(self.app.settings.sessions.cookie_name)
        token = None if raw is None else credentials.csrf_token_for_cookie(self.app, raw)
        if token is None:
            raise ShipyardError(
                "this client has no session cookie of this app, so it has no CSRF token",
                hint="use a client from `await client.as_user(user)` (via='session')",
            )
        return token

    async def _add_csrf_token(self, request: httpx.Request) -> None:
        """Request hook: the CSRF header of the session in the cookie being sent."""
        header = self.app.settings.csrf.header_name
        if request.method not in UNSAFE_METHODS or header in request.headers:
            return
        cookies = cookie_parser(request.headers.get("cookie", ""))
        raw = cookies.get(self.app.settings.sessions.cookie_name)
        token = None if raw is None else credentials.csrf_token_for_cookie(self.app, raw)
        if token is not None:
            request.headers[header] = token

    async def aclose(self) -> None:
        """Close this client and every client :meth:`as_user` made from it."""
        for child in self._children:
            await child.aclose()
        self._children.clear()
        self._identities.clear()
        await super().aclose()

"""A local GitHub: the OAuth app endpoints and the REST calls Shipyard's GitHub sign-in uses.

It follows GitHub's documented behaviour: ``GET /login/oauth/authorize`` (here a page
with an Authorize form naming the GitHub login to act as, and a Cancel button),
``POST /login/oauth/access_token`` (``client_secret_post``; JSON when asked with
``Accept: application/json``, else form-encoded; a bad code answers 200 with
``error=bad_verification_code``; PKCE S256 checked when the authorization had a
challenge), ``GET /user``, ``GET /user/emails`` and ``DELETE
/applications/{client_id}/grant`` (basic auth; ends the token). Served by uvicorn in a
thread on a free port.
"""

from __future__ import annotations

import base64
import hashlib
import html
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import (
    HTMLResponse,
    JSONResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
)
from starlette.routing import Route

from shipyard.testing.services import free_port

CLIENT_ID = "github-test-client"
CLIENT_SECRET = "github-test-secret"  # a test server's


@dataclass
class FakeGitHub:
    """The server's state: users by login, codes and tokens issued, grants revoked."""

    url: str = ""
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    codes: dict[str, dict[str, Any]] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    revoked: list[str] = field(default_factory=list)

    def user(self, login: str) -> dict[str, Any]:
        """The user ``login`` (made on first use: one verified primary address)."""
        if login not in self.users:
            self.users[login] = {
                "id": 1000 + len(self.users),
                "name": login.title(),
                "emails": [
                    {
                        "email": f"{login}@example.test",
                        "primary": True,
                        "verified": True,
                        "visibility": "public",
                    }
                ],
            }
        return self.users[login]

    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/login/oauth/authorize", self.authorize_page, methods=["GET"]),
                Route("/login/oauth/authorize", self.authorize, methods=["POST"]),
                Route("/login/oauth/access_token", self.access_token, methods=["POST"]),
                Route("/user", self.get_user),
                Route("/user/emails", self.get_emails),
                Route("/applications/{client_id}/grant", self.delete_grant, methods=["DELETE"]),
            ]
        )

    async def authorize_page(self, request: Request) -> Response:
        query = request.query_params
        if query.get("client_id") != CLIENT_ID or not query.get("redirect_uri"):
            return PlainTextResponse("unknown client or no redirect_uri", status_code=404)
        hidden = "".join(
            f'<input type="hidden" name="{html.escape(key)}" value="{html.escape(value)}">'
            for key, value in query.items()
        )
        page = (
            "<!doctype html><title>Authorize application</title><h1>Authorize application</h1>"
            f'<form method="post" action="/login/oauth/authorize">{hidden}'
            '<label>GitHub login <input name="login" value="octocat"></label>'
            '<button type="submit" name="decision" value="allow">Authorize</button>'
            '<button type="submit" name="decision" value="deny">Cancel</button></form>'
        )
        return HTMLResponse(page)

    async def authorize(self, request: Request) -> Response:
        form = await request.form()
        redirect_uri, state = str(form["redirect_uri"]), str(form.get("state", ""))
        if form.get("decision") == "deny":
            query = {
                "error": "access_denied",
                "error_description": "The user has denied your application access.",
                "state": state,
            }
            return RedirectResponse(f"{redirect_uri}?{urlencode(query)}", status_code=302)
        code = secrets.token_hex(10)
        self.codes[code] = {
            "login": str(form["login"]),
            "redirect_uri": redirect_uri,
            "challenge": form.get("code_challenge"),
            "issued": time.time(),
        }
        return RedirectResponse(
            f"{redirect_uri}?{urlencode({'code': code, 'state': state})}", status_code=302
        )

    async def access_token(self, request: Request) -> Response:
        form = await request.form()
        grant = self.codes.pop(str(form.get("code", "")), None)
        answer: dict[str, str]
        if form.get("client_id") != CLIENT_ID or form.get("client_secret") != CLIENT_SECRET:
            answer = {
                "error": "incorrect_client_credentials",
                "error_description": "The client_id and/or client_secret passed are incorrect.",
            }
        elif (
            grant is None
            or grant["redirect_uri"] != form.get("redirect_uri")
            or not _pkce_ok(grant.get("challenge"), form.get("code_verifier"))
        ):
            answer = {
                "error": "bad_verification_code",
                "error_description": "The code passed is incorrect or expired.",
            }
        else:
            token = "gho_" + secrets.token_hex(16)
            self.tokens[token] = grant["login"]
            answer = {
                "access_token": token,
                "token_type": "bearer",
                "scope": "read:user,user:email",
            }
        if "application/json" in request.headers.get("accept", ""):
            return JSONResponse(answer)
        return PlainTextResponse(urlencode(answer), media_type="application/x-www-form-urlencoded")

    def _login(self, request: Request) -> str | None:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        return self.tokens.get(token) if scheme.lower() in {"bearer", "token"} else None

    async def get_user(self, request: Request) -> Response:
        login = self._login(request)
        if login is None:
            return JSONResponse({"message": "Requires authentication"}, status_code=401)
        user = self.user(login)
        return JSONResponse({"login": login, "id": user["id"], "name": user["name"], "email": None})

    async def get_emails(self, request: Request) -> Response:
        login = self._login(request)
        if login is None:
            return JSONResponse({"message": "Requires authentication"}, status_code=401)
        return JSONResponse(self.user(login)["emails"])

    async def delete_grant(self, request: Request) -> Response:
        expected = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
        if request.headers.get("authorization") != f"Basic {expected}":
            return JSONResponse({"message": "Not Found"}, status_code=404)
        token = (await request.json()).get("access_token")
        if self.tokens.pop(token, None) is None:
            return JSONResponse({"message": "Not Found"}, status_code=404)
        self.revoked.append(token)
        return Response(status_code=204)


def _pkce_ok(challenge: object, verifier: object) -> bool:
    if challenge is None:
        return True
    if not isinstance(verifier, str):
        return False
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode() == challenge


@contextmanager
def running_github() -> Iterator[FakeGitHub]:
    """The local GitHub, served until the block ends."""
    github = FakeGitHub()
    port = free_port()
    github.url = f"http://127.0.0.1:{port}"
    config = uvicorn.Config(github.app(), host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    try:
        yield github
    finally:
        server.should_exit = True
        thread.join(timeout=10)

"""The token endpoints (mounted by ``TokensExtension(prefix="/auth/token")``).

``POST {prefix}`` exchanges an email and password for a token pair (under the
``auth`` route limit and the login throttle, as the login form), ``POST
{prefix}/refresh`` rotates a refresh token, ``POST {prefix}/revoke`` revokes a refresh
token's family and/or the bearer access token sent with it. Errors are problem+json.
They carry no cookie authentication, so they are exempt from CSRF checks.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from shipyard.auth.scopes import format_scopes
from shipyard.auth.tokens.authenticator import bearer_token
from shipyard.auth.tokens.errors import InvalidAccessToken, InvalidRefreshToken
from shipyard.auth.tokens.service import get_token_service
from shipyard.auth.users import authenticate, user_model
from shipyard.core.openapi import declares_problems
from shipyard.core.problems import HTTPProblem
from shipyard.db import DbSession
from shipyard.ratelimit import RateLimit, attempt_succeeded, throttle_attempt
from shipyard.security.csrf import csrf_exempt

NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


class PasswordGrant(BaseModel):
    """``POST {prefix}``: credentials, and optionally scopes to restrict the tokens to."""

    email: Annotated[str, Field(min_length=1, max_length=320)]
    password: Annotated[str, Field(min_length=1, max_length=1024)]
    scope: Annotated[str | None, Field(max_length=2048)] = None


class RefreshGrant(BaseModel):
    """``POST {prefix}/refresh``."""

    refresh_token: Annotated[str, Field(min_length=1, max_length=256)]


class Revocation(BaseModel):
    """``POST {prefix}/revoke``: a refresh token, or none to revoke only the bearer token."""

    refresh_token: Annotated[str | None, Field(max_length=256)] = None


def _refused(title: str, detail: str, error: str) -> HTTPProblem:
    return HTTPProblem(
        401,
        title,
        detail,
        headers={"WWW-Authenticate": f'Bearer error="{error}"', **NO_STORE},
    )


token_router = APIRouter(tags=["tokens"])
"""The issue / refresh / revoke routes (include with the prefix of your choice)."""


@token_router.post(
    "",
    summary="Issue an access and a refresh token",
    dependencies=[Depends(RateLimit.named("auth"))],
)
@csrf_exempt
@declares_problems(400, 401)
async def issue(grant: PasswordGrant, request: Request, session: DbSession) -> JSONResponse:
    auth = request.app.settings.auth
    model = user_model(request.app)
    await throttle_attempt(request, grant.email)
    user = await authenticate(session, grant.email, grant.password, auth, model)
    if user is None:
        raise _refused("Invalid credentials", "Wrong email or password.", "invalid_grant")
    await attempt_succeeded(request, grant.email)
    if not user.is_active:
        raise _refused("Account disabled", "This account is disabled.", "invalid_grant")
    if auth.require_verified_email and not user.is_verified:
        raise _refused("Email not verified", "Verify your email first.", "invalid_grant")
    try:
        scopes = None if grant.scope is None else grant.scope.split()
        if scopes is not None:
            format_scopes(scopes)
    except ValueError as exc:
        raise HTTPProblem(400, "Invalid scope", str(exc), headers=NO_STORE) from exc
    pair = await get_token_service(request.app).issue(session, user, scopes=scopes)
    return JSONResponse(pair.as_json(), headers=NO_STORE)


@token_router.post("/refresh", summary="Rotate a refresh token")
@csrf_exempt
@declares_problems(401)
async def refresh(grant: RefreshGrant, request: Request, session: DbSession) -> JSONResponse:
    service = get_token_service(request.app)
    try:
        pair = await service.refresh(session, grant.refresh_token)
    except InvalidRefreshToken as refused:
        await session.commit()  # a reuse revoked the family: keep that revocation
        raise _refused("Invalid refresh token", str(refused), "invalid_grant") from refused
    return JSONResponse(pair.as_json(), headers=NO_STORE)


@token_router.post("/revoke", summary="Revoke a refresh token family and/or the bearer token")
@csrf_exempt
@declares_problems(400)
async def revoke(body: Revocation, request: Request, session: DbSession) -> JSONResponse:
    service = get_token_service(request.app)
    access = bearer_token(request)
    if body.refresh_token is None and access is None:
        raise HTTPProblem(
            400,
            "Nothing to revoke",
            "Send a refresh_token in the body, an Authorization: Bearer header, or both.",
        )
    if body.refresh_token is not None:
        await service.revoke_refresh(session, body.refresh_token)
    if access is not None:
        try:
            claims = await service.authenticate(session, access)
        except InvalidAccessToken:
            pass  # expired, forged or already revoked: nothing left to revoke
        else:
            await service.revoke_access(session, claims)
    return JSONResponse({"revoked": True}, headers=NO_STORE)

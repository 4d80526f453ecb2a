"""A route that reports the request's Identity, for the authenticator tests."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends

from shipyard.auth import Identity, current_user


def identity_router() -> APIRouter:
    router = APIRouter()

    @router.get("/me")
    async def me(identity: Identity = Depends(current_user)) -> dict[str, Any]:  # noqa: B008
        return {
            "user_id": identity.user.id,
            "method": identity.method,
            "scopes": None if identity.scopes is None else sorted(identity.scopes),
            "credential_id": identity.credential_id,
        }

    return router

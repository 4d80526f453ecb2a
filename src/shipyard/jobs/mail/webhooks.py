"""The delivery webhooks' endpoints: ``POST <mail.webhooks_path>/{ses,sendgrid,resend,postmark}``.

Each request is verified by its provider's module (:mod:`shipyard.mail.webhooks`); a
forged signature, wrong credentials, a stale timestamp or a malformed body answers a 4xx
problem, a replay (an event id already received) 409, a provider whose secret is not
configured 404. A genuine call moves the deliveries it names forward (``delivered``,
``opened``, ``clicked``, ``bounced``, ``complained``) and puts hard-bounced and
complaining addresses on the suppression list.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response
from sqlalchemy.ext.asyncio import AsyncSession

from shipyard.core.services import Service
from shipyard.db.extension import get_database
from shipyard.jobs.mail.deliveries import advance
from shipyard.jobs.mail.receipts import first_receipt
from shipyard.jobs.mail.suppressions import SuppressionReason, suppress
from shipyard.mail.webhooks import (
    AwsSnsEndpoints,
    DeliveryEvent,
    SnsEndpoints,
    VerifiedWebhook,
    WebhookRejected,
    postmark,
    sendgrid,
    sns,
    svix,
)
from shipyard.security.csrf import csrf_exempt

if TYPE_CHECKING:
    from shipyard.core.app import AppBase

logger = logging.getLogger("shipyard.mail")

PROVIDERS = ("ses", "sendgrid", "resend", "postmark")

MAX_BODY = 1_000_000
"""Bytes a webhook body may have (SendGrid batches events; 1 MB is plenty)."""

SNS_ENDPOINTS = Service(
    "sns_endpoints",
    SnsEndpoints,  # type: ignore[type-abstract]  # a runtime-checkable protocol
    "SNS certificate source",
)
"""Where the SES webhook gets SNS signing certificates; AWS's own hosts unless an app (a
test) provides another with ``SNS_ENDPOINTS.provide(app, endpoints)``."""


def _not_configured(provider: str, setting: str) -> WebhookRejected:
    return WebhookRejected(
        404, f"the {provider} webhook is off", hint=f"set {setting} to receive its events"
    )


async def verified(
    app: AppBase, provider: str, headers: Mapping[str, str], body: bytes
) -> VerifiedWebhook:
    """The provider's verification of the request."""
    mail = app.settings.mail
    if provider == "ses":
        endpoints = SNS_ENDPOINTS.get_or_create(app, AwsSnsEndpoints)
        return await sns.verify(body, endpoints, topics=mail.ses.sns_topic_arns)
    if provider == "sendgrid":
        key = mail.sendgrid.webhook_public_key
        if not key:
            raise _not_configured(provider, "mail.sendgrid.webhook_public_key")
        return sendgrid.verify(key, headers, body, tolerance=mail.sendgrid.webhook_tolerance)
    if provider == "resend":
        secret = mail.resend.webhook_secret
        if secret is None:
            raise _not_configured(provider, "mail.resend.webhook_secret")
        return svix.verify(
            secret.get_secret_value(), headers, body, tolerance=mail.resend.webhook_tolerance
        )
    if provider == "postmark":
        settings = mail.postmark
        if settings.webhook_username is None or settings.webhook_password is None:
            raise _not_configured(
                provider, "mail.postmark.webhook_username and mail.postmark.webhook_password"
            )
        return postmark.verify(
            settings.webhook_username, settings.webhook_password.get_secret_value(), headers, body
        )
    raise WebhookRejected(404, f"no mail webhook is called {provider!r}")


async def record(session: AsyncSession, provider: str, event: DeliveryEvent) -> None:
    """Move the delivery forward; suppress hard-bounced and complaining addresses."""
    matched = await advance(session, event.kind, provider_message_id=event.provider_message_id)
    if not matched:
        logger.info(
            "%s %s event for unknown message %s", provider, event.kind, event.provider_message_id
        )
    if event.kind in ("bounced", "complained") and event.permanent:
        reason: SuppressionReason = "complained" if event.kind == "complained" else "bounced"
        for address in event.addresses:
            if await suppress(session, address, reason, source=provider, detail=event.detail):
                logger.warning(
                    "mail to %s suppressed: %s (reported by %s)", address, reason, provider
                )


async def receive(request: Request) -> Response:
    """One webhook call: verify, refuse replays, record."""
    provider = request.path_params["provider"]
    app: AppBase = request.app
    length = request.headers.get("content-length")
    if length is not None and length.isdigit() and int(length) > MAX_BODY:
        raise HTTPException(413, f"a mail webhook body is at most {MAX_BODY} bytes")
    body = await request.body()
    if len(body) > MAX_BODY:
        raise HTTPException(413, f"a mail webhook body is at most {MAX_BODY} bytes")
    try:
        call = await verified(app, provider, request.headers, body)
    except WebhookRejected as error:
        logger.warning("%s webhook refused: %s", provider, error.message)
        raise HTTPException(error.status, error.message) from None
    async with get_database(app).sessionmaker() as session:
        fresh = [await first_receipt(session, provider, event_id) for event_id in call.event_ids]
        if call.event_ids and not any(fresh):
            raise HTTPException(409, "this webhook event was already received (a replay)")
        for event in call.events:
            await record(session, provider, event)
        await session.commit()
    return Response(status_code=204)


def webhooks_router(app: AppBase) -> APIRouter:
    """The webhook route, under ``mail.webhooks_path``."""
    router = APIRouter(include_in_schema=False)
    path = app.settings.mail.webhooks_path
    router.add_api_route(
        path + "/{provider}", csrf_exempt(receive), methods=["POST"], name="shipyard_mail_webhook"
    )
    return router

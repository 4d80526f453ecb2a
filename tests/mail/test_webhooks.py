"""The providers' delivery webhooks: genuine calls move deliveries forward and suppress
hard bounces and complaints; forged, stale and replayed calls get a 4xx problem."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from shipyard import App
from shipyard.jobs import get_jobs
from shipyard.jobs.mail import SendMail, get_delivery
from shipyard.jobs.mail.suppressions import get_suppression, unsuppress
from shipyard.jobs.mail.webhooks import SNS_ENDPOINTS
from shipyard.mail import MAILER, Message
from shipyard.mail.webhooks import AwsSnsEndpoints, WebhookRejected
from shipyard.mail.webhooks.svix import sign

from .conftest import make_app
from .mails import SampleWelcome
from .signing import CERT_URL, RESEND_SECRET, SendgridSigner, SnsSigner

HOOKS = "/_shipyard/mail/webhooks"
POSTMARK_AUTH = ("hooks", "postmark-hook-password")


class IdMailer:
    """Accepts every message, giving ids prov-1, prov-2..."""

    def __init__(self) -> None:
        self.sent: list[Message] = []

    async def send(self, message: Message) -> str | None:
        self.sent.append(message)
        return f"prov-{len(self.sent)}"


class TestSnsEndpoints:
    """The allowed certificate source of the tests: the self-made certificate at CERT_URL."""

    __test__ = False

    def __init__(self, pem: bytes) -> None:
        self.pem = pem
        self.confirmed: list[str] = []

    async def certificate(self, url: str) -> bytes:
        if url != CERT_URL:
            raise WebhookRejected(400, "SigningCertURL is not an SNS certificate URL")
        return self.pem

    async def confirm(self, url: str) -> None:
        self.confirmed.append(url)


SNS = SnsSigner()
SENDGRID = SendgridSigner()


@pytest.fixture
async def app(tmp_path: Path) -> AsyncIterator[App]:
    app = make_app(
        tmp_path,
        sendgrid={"webhook_public_key": SENDGRID.public},
        resend={"webhook_secret": RESEND_SECRET},
        postmark={"webhook_username": POSTMARK_AUTH[0], "webhook_password": POSTMARK_AUTH[1]},
    )
    async with app.router.lifespan_context(app):
        MAILER.provide(app, IdMailer())
        SNS_ENDPOINTS.provide(app, TestSnsEndpoints(SNS.pem))
        yield app


@pytest.fixture
async def client(app: App) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as client:
        yield client


async def sent_mail(app: App, to: str = "ann@example.com") -> str:
    """Queue and send a mail; its delivery key (its provider id is prov-N)."""
    jobs = get_jobs(app)
    job_id = await SampleWelcome(to=to, name="Ann").queue(app)
    await jobs.drain()
    record = await jobs.backend.get(job_id)
    assert record is not None
    assert record.state == "succeeded"
    return SendMail.model_validate(record.payload).key


async def state_of(app: App, key: str) -> str:
    async with get_jobs(app).sessionmaker() as session:  # type: ignore[misc]
        delivery = await get_delivery(session, key)
    assert delivery is not None
    return delivery.state


async def suppressed(app: App, address: str) -> str | None:
    async with get_jobs(app).sessionmaker() as session:  # type: ignore[misc]
        found = await get_suppression(session, address)
    return None if found is None else f"{found.reason} by {found.source}"


def svix_headers(body: bytes, msg_id: str, timestamp: int | None = None) -> dict[str, str]:
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    return {
        "svix-id": msg_id,
        "svix-timestamp": stamp,
        "svix-signature": sign(RESEND_SECRET, msg_id, stamp, body),
        "content-type": "application/json",
    }


def resend_event(kind: str, email_id: str, to: str, **data: Any) -> bytes:
    payload = {
        "type": kind,
        "created_at": "2026-12-07T12:00:00.000Z",
        "data": {"email_id": email_id, "to": [to], "subject": "Welcome", **data},
    }
    return json.dumps(payload).encode()


def ses_event(kind: str, message_id: str, **section: Any) -> dict[str, Any]:
    key = {"Bounce": "bounce", "Complaint": "complaint", "Delivery": "delivery"}[kind]
    return {"eventType": kind, "mail": {"messageId": message_id}, key: section}


# --- Resend (Svix) ---------------------------------------------------------------------


async def test_resend_delivered_then_opened_moves_the_delivery_forward(
    app: App, client: httpx.AsyncClient
) -> None:
    key = await sent_mail(app)
    assert await state_of(app, key) == "sent"
    for n, kind in enumerate(["email.delivered", "email.opened"]):
        body = resend_event(kind, "prov-1", "ann@example.com")
        answer = await client.post(
            f"{HOOKS}/resend", content=body, headers=svix_headers(body, f"m{n}")
        )
        assert answer.status_code == 204
    assert await state_of(app, key) == "opened"
    body = resend_event("email.delivered", "prov-1", "ann@example.com")  # late: not backwards
    await client.post(f"{HOOKS}/resend", content=body, headers=svix_headers(body, "m9"))
    assert await state_of(app, key) == "opened"


async def test_resend_hard_bounce_suppresses_the_address_and_the_next_mail_is_skipped(
    app: App, client: httpx.AsyncClient
) -> None:
    key = await sent_mail(app)
    body = resend_event("email.bounced", "prov-1", "ann@example.com", bounce={"type": "Permanent"})
    answer = await client.post(f"{HOOKS}/resend", content=body, headers=svix_headers(body, "b1"))
    assert answer.status_code == 204
    assert await state_of(app, key) == "bounced"
    assert await suppressed(app, "Ann@Example.com") == "bounced by resend"

    mailer = MAILER.get(app)
    assert isinstance(mailer, IdMailer)
    jobs = get_jobs(app)
    job_id = await SampleWelcome(to="Ann <ann@example.com>", name="Ann").queue(app)
    await jobs.drain()
    record = await jobs.backend.get(job_id)
    assert record is not None
    assert record.state == "succeeded"  # done: nothing to retry
    assert len(mailer.sent) == 1  # only the first mail
    second = SendMail.model_validate(record.payload).key
    async with jobs.sessionmaker() as session:  # type: ignore[misc]
        delivery = await get_delivery(session, second)
        assert delivery is not None
        assert delivery.state == "suppressed"
        assert "ann@example.com" in (delivery.last_error or "")
        assert await unsuppress(session, "ann@example.com")
        await session.commit()
    await SampleWelcome(to="ann@example.com", name="Ann").queue(app)
    await jobs.drain()
    assert len(mailer.sent) == 2  # off the list: mailed again


async def test_resend_soft_bounce_does_not_suppress(app: App, client: httpx.AsyncClient) -> None:
    await sent_mail(app)
    body = resend_event("email.bounced", "prov-1", "ann@example.com", bounce={"type": "Transient"})
    await client.post(f"{HOOKS}/resend", content=body, headers=svix_headers(body, "s1"))
    assert await suppressed(app, "ann@example.com") is None


async def test_resend_forged_stale_and_replayed_calls_are_refused(
    app: App, client: httpx.AsyncClient
) -> None:
    key = await sent_mail(app)
    body = resend_event("email.complained", "prov-1", "ann@example.com")
    forged = svix_headers(body, "f1")
    forged["svix-signature"] = "v1," + base64.b64encode(b"x" * 32).decode()
    answer = await client.post(f"{HOOKS}/resend", content=body, headers=forged)
    assert answer.status_code == 401
    assert answer.headers["content-type"].startswith("application/problem+json")
    altered = svix_headers(body, "f2")
    answer = await client.post(f"{HOOKS}/resend", content=body + b" ", headers=altered)
    assert answer.status_code == 401
    stale = svix_headers(body, "f3", timestamp=int(time.time()) - 3600)
    assert (await client.post(f"{HOOKS}/resend", content=body, headers=stale)).status_code == 400
    missing = {"content-type": "application/json"}
    assert (await client.post(f"{HOOKS}/resend", content=body, headers=missing)).status_code == 400
    assert await state_of(app, key) == "sent"  # none of them counted

    genuine = svix_headers(body, "g1")
    assert (await client.post(f"{HOOKS}/resend", content=body, headers=genuine)).status_code == 204
    replay = await client.post(f"{HOOKS}/resend", content=body, headers=genuine)
    assert replay.status_code == 409
    assert "replay" in replay.json()["detail"]
    assert await suppressed(app, "ann@example.com") == "complained by resend"


async def test_a_webhook_that_is_not_configured_is_404(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://localhost"
        ) as client,
    ):
        for provider in ("sendgrid", "resend", "postmark", "nope"):
            answer = await client.post(f"{HOOKS}/{provider}", content=b"{}")
            assert answer.status_code == 404, provider


async def test_garbage_bodies_are_4xx_never_500(app: App, client: httpx.AsyncClient) -> None:
    for body in (b"not json", b"[]", b'"x"', b"\xff\xfe"):
        answer = await client.post(
            f"{HOOKS}/resend", content=body, headers=svix_headers(body, body.hex())
        )
        assert 400 <= answer.status_code < 500
    answer = await client.post(f"{HOOKS}/ses", content=b"{nope")
    assert answer.status_code == 400
    big = b"x" * 1_000_001
    assert (await client.post(f"{HOOKS}/resend", content=big)).status_code == 413


# --- SendGrid (ECDSA) ------------------------------------------------------------------


def sendgrid_events(*events: dict[str, Any]) -> bytes:
    return json.dumps(list(events)).encode()


async def test_sendgrid_signed_events_are_recorded(app: App, client: httpx.AsyncClient) -> None:
    key = await sent_mail(app)
    other = await sent_mail(app, to="bo@example.com")
    body = sendgrid_events(
        {
            "email": "ann@example.com",
            "event": "delivered",
            "sg_event_id": "e1",
            "sg_message_id": "prov-1.filterdrecv-1",
            "timestamp": 1,
        },
        {
            "email": "bo@example.com",
            "event": "bounce",
            "type": "bounce",
            "sg_event_id": "e2",
            "sg_message_id": "prov-2.filterdrecv-2",
            "reason": "550 no such user",
            "timestamp": 1,
        },
    )
    headers = SENDGRID.headers(body, int(time.time()))
    answer = await client.post(f"{HOOKS}/sendgrid", content=body, headers=headers)
    assert answer.status_code == 204
    assert await state_of(app, key) == "delivered"
    assert await state_of(app, other) == "bounced"
    assert await suppressed(app, "bo@example.com") == "bounced by sendgrid"
    replay = await client.post(f"{HOOKS}/sendgrid", content=body, headers=headers)
    assert replay.status_code == 409


async def test_sendgrid_forged_and_stale_signatures_are_refused(
    app: App, client: httpx.AsyncClient
) -> None:
    body = sendgrid_events({"email": "x@example.com", "event": "spamreport", "sg_event_id": "z"})
    other = SendgridSigner()  # someone else's key
    forged = other.headers(body, int(time.time()))
    assert (await client.post(f"{HOOKS}/sendgrid", content=body, headers=forged)).status_code == 401
    stale = SENDGRID.headers(body, int(time.time()) - 3600)
    assert (await client.post(f"{HOOKS}/sendgrid", content=body, headers=stale)).status_code == 400
    resigned = SENDGRID.headers(body, int(time.time()))
    resigned["X-Twilio-Email-Event-Webhook-Timestamp"] = str(int(time.time()) + 1)
    assert (
        await client.post(f"{HOOKS}/sendgrid", content=body, headers=resigned)
    ).status_code == 401
    bad = {
        "X-Twilio-Email-Event-Webhook-Signature": "%%%",
        "X-Twilio-Email-Event-Webhook-Timestamp": "1",
    }
    assert (await client.post(f"{HOOKS}/sendgrid", content=body, headers=bad)).status_code == 400
    assert await suppressed(app, "x@example.com") is None


# --- Postmark (basic auth) -------------------------------------------------------------


async def test_postmark_with_credentials_records_a_complaint(
    app: App, client: httpx.AsyncClient
) -> None:
    key = await sent_mail(app)
    body = {
        "RecordType": "SpamComplaint",
        "ID": 42,
        "Type": "SpamComplaint",
        "MessageID": "prov-1",
        "Email": "ann@example.com",
    }
    answer = await client.post(f"{HOOKS}/postmark", json=body, auth=POSTMARK_AUTH)
    assert answer.status_code == 204
    assert await state_of(app, key) == "complained"
    assert await suppressed(app, "ann@example.com") == "complained by postmark"
    again = await client.post(f"{HOOKS}/postmark", json=body, auth=POSTMARK_AUTH)
    assert again.status_code == 409


async def test_postmark_without_the_right_credentials_is_401(
    app: App, client: httpx.AsyncClient
) -> None:
    body = {
        "RecordType": "Bounce",
        "ID": 1,
        "Type": "HardBounce",
        "MessageID": "m",
        "Email": "a@b.c",
    }
    assert (await client.post(f"{HOOKS}/postmark", json=body)).status_code == 401
    for auth in (("hooks", "wrong"), ("other", POSTMARK_AUTH[1])):
        answer = await client.post(f"{HOOKS}/postmark", json=body, auth=auth)
        assert answer.status_code == 401
    answer = await client.post(
        f"{HOOKS}/postmark", json=body, headers={"Authorization": "Basic !!notbase64"}
    )
    assert answer.status_code == 401
    assert await suppressed(app, "a@b.c") is None


# --- SES through SNS -------------------------------------------------------------------


async def test_ses_bounce_through_sns_is_recorded_and_suppressed(
    app: App, client: httpx.AsyncClient
) -> None:
    key = await sent_mail(app)
    event = ses_event(
        "Bounce",
        "prov-1",
        bounceType="Permanent",
        bounceSubType="General",
        bouncedRecipients=[{"emailAddress": "ann@example.com"}],
    )
    for version in ("1", "2"):
        message = SNS.message(event, message_id=f"sns-{version}", version=version)
        answer = await client.post(f"{HOOKS}/ses", json=message)
        assert answer.status_code == 204
    assert await state_of(app, key) == "bounced"
    assert await suppressed(app, "ann@example.com") == "bounced by ses"
    replay = await client.post(f"{HOOKS}/ses", json=message)
    assert replay.status_code == 409


async def test_ses_subscription_is_confirmed_once_signed(
    app: App, client: httpx.AsyncClient
) -> None:
    subscribe = "https://sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription&Token=t"
    message = SNS.message(
        None,
        message_id="sub-1",
        kind="SubscriptionConfirmation",
        extra={"SubscribeURL": subscribe, "Token": "t"},
    )
    assert (await client.post(f"{HOOKS}/ses", json=message)).status_code == 204
    endpoints = SNS_ENDPOINTS.get(app)
    assert isinstance(endpoints, TestSnsEndpoints)
    assert endpoints.confirmed == [subscribe]


async def test_ses_forged_stale_and_foreign_certificate_messages_are_refused(
    app: App, client: httpx.AsyncClient
) -> None:
    key = await sent_mail(app)
    event = ses_event(
        "Complaint", "prov-1", complainedRecipients=[{"emailAddress": "ann@example.com"}]
    )
    forged = SNS.message(event, message_id="f-1")
    forged["Message"] = forged["Message"].replace("Complaint", "Delivery")
    assert (await client.post(f"{HOOKS}/ses", json=forged)).status_code == 401
    mallory = SnsSigner()  # a valid signature with a certificate of the forger's own
    foreign = mallory.message(event, message_id="f-2", cert_url="https://evil.example/cert.pem")
    assert (await client.post(f"{HOOKS}/ses", json=foreign)).status_code == 400
    swapped = mallory.message(event, message_id="f-3")  # the allowed URL, the wrong key
    assert (await client.post(f"{HOOKS}/ses", json=swapped)).status_code == 401
    old = SNS.message(event, message_id="f-4", timestamp=datetime.now(UTC) - timedelta(hours=2))
    assert (await client.post(f"{HOOKS}/ses", json=old)).status_code == 400
    assert await state_of(app, key) == "sent"
    assert await suppressed(app, "ann@example.com") is None


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example/SimpleNotificationService.pem",
        "http://sns.eu-west-1.amazonaws.com/SimpleNotificationService.pem",
        "https://sns.eu-west-1.amazonaws.com.evil.example/x.pem",
        "https://sns.eu-west-1.amazonaws.com:8443/x.pem",
        "https://sns.eu-west-1.amazonaws.com/not-a-certificate",
        "https://user@evil.example@sns.eu-west-1.amazonaws.com/x.pem",
    ],
)
async def test_the_real_certificate_source_only_fetches_from_sns_hosts(url: str) -> None:
    with pytest.raises(WebhookRejected) as caught:
        await AwsSnsEndpoints(timeout=0.5).certificate(url)
    assert caught.value.status == 400


async def test_the_real_certificate_source_refuses_foreign_subscribe_urls() -> None:
    with pytest.raises(WebhookRejected):
        await AwsSnsEndpoints(timeout=0.5).confirm("https://evil.example/?Action=Confirm")


async def test_a_certificate_that_cannot_be_fetched_is_a_502_not_a_500() -> None:
    with pytest.raises(WebhookRejected) as caught:  # no network here, or AWS says 403/404
        await AwsSnsEndpoints(timeout=0.5).certificate(
            "https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-none.pem"
        )
    assert caught.value.status == 502

"""The SendGrid, Resend and Postmark backends against a local server that checks each
request as the provider documents it and answers as the provider does."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from shipyard import App
from shipyard.config.models import MailSettings
from shipyard.jobs import get_jobs
from shipyard.jobs.mail import SendMail, get_delivery
from shipyard.mail import MailDeliveryError, MailRefused, Message, get_mailer
from shipyard.mail.providers import HttpApiMailer
from shipyard.mail.tally import MAILS

from .conftest import make_app
from .mails import SampleWelcome
from .providers import POSTMARK_TOKEN, RESEND_KEY, SENDGRID_KEY, FakeProviders, running_providers

PNG = b"\x89PNG\r\n\x1a\n" + bytes(24)
KEYS = {"sendgrid": SENDGRID_KEY, "resend": RESEND_KEY, "postmark": POSTMARK_TOKEN}
PROVIDERS = sorted(KEYS)


@pytest.fixture(scope="module")
def server() -> Iterator[FakeProviders]:
    with running_providers() as providers:
        yield providers


@pytest.fixture
def providers(server: FakeProviders) -> FakeProviders:
    server.accepted.clear()
    server.fail_next.clear()
    server.idempotent.clear()
    return server


def settings_for(provider: str, url: str, key: str | None = None) -> dict[str, Any]:
    return {
        "backend": provider,
        "from_address": "Fleet <fleet@example.com>",
        provider: {"api_key": key or KEYS[provider], "base_url": url, "timeout": 5},
    }


@pytest.fixture(params=PROVIDERS)
async def app(
    request: pytest.FixtureRequest, tmp_path: Path, providers: FakeProviders
) -> AsyncIterator[App]:
    app = make_app(tmp_path, **settings_for(request.param, providers.url))
    async with app.router.lifespan_context(app):
        yield app


def full_message(message_id: str | None = None) -> Message:
    from shipyard.mail import Attachment

    return Message(
        to=("Ann <ann@example.com>", "bo@example.com"),
        cc=("cy@example.com",),
        bcc=("dee@example.com",),
        reply_to=("help@example.com",),
        subject="Your receipt",
        text="Thanks!",
        html="<p>Thanks!</p>",
        headers={"List-Unsubscribe": "<https://example.com/u/1>"},
        attachments=(
            Attachment("receipt.pdf", b"%PDF-1.4 receipt"),
            Attachment("logo.png", PNG, inline=True),
        ),
        message_id=message_id,
    )


def check_shape(provider: str, body: dict[str, Any]) -> None:
    """What each provider got: every field of the message, where its API wants it."""
    if provider == "sendgrid":
        (people,) = body["personalizations"]
        assert people["to"] == [
            {"email": "ann@example.com", "name": "Ann"},
            {"email": "bo@example.com"},
        ]
        assert people["cc"] == [{"email": "cy@example.com"}]
        assert people["bcc"] == [{"email": "dee@example.com"}]
        assert body["from"] == {"email": "fleet@example.com", "name": "Fleet"}
        assert body["reply_to_list"] == [{"email": "help@example.com"}]
        assert body["content"] == [
            {"type": "text/plain", "value": "Thanks!"},
            {"type": "text/html", "value": "<p>Thanks!</p>"},
        ]
        assert body["headers"] == {"List-Unsubscribe": "<https://example.com/u/1>"}
        attachment, logo = body["attachments"]
        assert attachment["type"] == "application/pdf"
        assert base64.b64decode(attachment["content"]) == b"%PDF-1.4 receipt"
        assert (attachment["disposition"], "content_id" in attachment) == ("attachment", False)
        assert (logo["disposition"], logo["content_id"]) == ("inline", "logo.png")
    elif provider == "resend":
        assert body["from"] == "Fleet <fleet@example.com>"
        assert body["to"] == ["Ann <ann@example.com>", "bo@example.com"]
        assert (body["cc"], body["bcc"]) == (["cy@example.com"], ["dee@example.com"])
        assert body["reply_to"] == ["help@example.com"]
        assert (body["text"], body["html"]) == ("Thanks!", "<p>Thanks!</p>")
        assert body["headers"] == {"List-Unsubscribe": "<https://example.com/u/1>"}
        attachment, logo = body["attachments"]
        assert attachment["filename"] == "receipt.pdf"
        assert base64.b64decode(attachment["content"]) == b"%PDF-1.4 receipt"
        assert "content_id" not in attachment
        assert (logo["content_id"], base64.b64decode(logo["content"])) == ("logo.png", PNG)
    else:
        assert body["From"] == "Fleet <fleet@example.com>"
        assert body["To"] == "Ann <ann@example.com>, bo@example.com"
        assert (body["Cc"], body["Bcc"]) == ("cy@example.com", "dee@example.com")
        assert body["ReplyTo"] == "help@example.com"
        assert (body["TextBody"], body["HtmlBody"]) == ("Thanks!", "<p>Thanks!</p>")
        assert body["MessageStream"] == "outbound"
        assert body["Headers"] == [
            {"Name": "List-Unsubscribe", "Value": "<https://example.com/u/1>"}
        ]
        attachment, logo = body["Attachments"]
        assert attachment["ContentType"] == "application/pdf"
        assert base64.b64decode(attachment["Content"]) == b"%PDF-1.4 receipt"
        assert "ContentID" not in attachment
        assert (logo["ContentType"], logo["ContentID"]) == ("image/png", "cid:logo.png")


async def test_a_message_reaches_the_provider_whole_and_its_id_comes_back(
    app: App, providers: FakeProviders
) -> None:
    provider = app.settings.mail.backend
    found = await get_mailer(app).send(full_message())
    (received,) = providers.of(provider)
    check_shape(provider, received.body)
    assert found == received.message_id


async def test_a_mail_class_sent_now_returns_the_providers_id(
    app: App, providers: FakeProviders
) -> None:
    before = MAILS.get((app.settings.mail.backend, "sent"), 0)
    found = await SampleWelcome(to="ann@example.com", name="Ann").send(app)
    (received,) = providers.accepted
    assert found == received.message_id
    assert MAILS[app.settings.mail.backend, "sent"] == before + 1


async def test_a_wrong_key_is_refused_naming_the_setting(
    tmp_path: Path, providers: FakeProviders
) -> None:
    for provider in PROVIDERS:
        app = make_app(tmp_path, **settings_for(provider, providers.url, key="wrong"))
        with pytest.raises(MailRefused) as caught:
            await get_mailer(app).send(full_message())
        assert "401" in str(caught.value)
        assert f"mail.{provider}.api_key" in (caught.value.hint or "")
    assert providers.accepted == []


async def test_a_message_the_provider_rejects_is_refused_for_good(
    app: App, providers: FakeProviders
) -> None:
    bad = Message(to="ann@invalid.example", subject="Hi", text="Hi")
    if app.settings.mail.backend == "postmark":
        bad = Message(to="inactive@example.com", subject="Hi", text="Hi")
    with pytest.raises(MailRefused) as caught:
        await get_mailer(app).send(bad)
    said = str(caught.value)
    assert "answered 4" in said
    assert {"sendgrid": "valid address", "resend": "validation_error", "postmark": "406"}[
        app.settings.mail.backend
    ] in said


@pytest.mark.parametrize("status", [500, 503, 429])
async def test_server_errors_and_rate_limits_are_worth_a_retry(
    app: App, providers: FakeProviders, status: int
) -> None:
    providers.fail_next.append(status)
    with pytest.raises(MailDeliveryError) as caught:
        await get_mailer(app).send(full_message())
    assert not isinstance(caught.value, MailRefused)
    assert f"answered {status}" in str(caught.value)


async def test_an_unreachable_api_names_the_base_url(tmp_path: Path) -> None:
    from shipyard.testing.services import free_port

    url = f"http://127.0.0.1:{free_port()}"
    app = make_app(tmp_path, **settings_for("resend", url))
    with pytest.raises(MailDeliveryError) as caught:
        await get_mailer(app).send(full_message())
    assert "mail.resend.base_url" in str(caught.value)


async def test_queued_mail_retried_after_5xx_and_429_is_sent_exactly_once(
    app: App, providers: FakeProviders
) -> None:
    providers.fail_next.extend([500, 429])
    jobs = get_jobs(app)
    job_id = await SampleWelcome(to="ann@example.com", name="Ann").queue(app)
    for _ in range(5):
        await jobs.drain()
        record = await jobs.backend.get(job_id)
        assert record is not None
        if record.state != "failed":
            break
        assert await jobs.backend.retry(job_id)
    assert record is not None
    assert record.state == "succeeded"
    (received,) = providers.accepted
    assert providers.requests >= 3
    job = SendMail.model_validate(record.payload)
    async with jobs.sessionmaker() as session:  # type: ignore[misc]
        delivery = await get_delivery(session, job.key)
    assert delivery is not None
    assert (delivery.state, delivery.attempts) == ("sent", 3)
    assert delivery.provider_message_id == received.message_id
    assert delivery.backend == app.settings.mail.backend
    if app.settings.mail.backend == "resend":  # a retried request never sends twice
        assert received.headers["idempotency-key"] == delivery.message_id


async def test_queued_mail_refused_with_a_4xx_is_not_retried(
    app: App, providers: FakeProviders
) -> None:
    to = "inactive@example.com" if app.settings.mail.backend == "postmark" else "x@invalid.example"
    jobs = get_jobs(app)
    job_id = await SampleWelcome(to=to, name="X").queue(app)
    await jobs.drain()
    record = await jobs.backend.get(job_id)
    assert record is not None
    assert (record.state, record.attempts) == ("dead", 1)
    assert providers.accepted == []


def test_a_provider_backend_needs_its_api_key() -> None:
    for provider in PROVIDERS:
        with pytest.raises(ValidationError, match=f"mail.{provider}.api_key is not set"):
            MailSettings.model_validate({"backend": provider})
        with pytest.raises(ValidationError, match=f"mail.{provider}.api_key is not set"):
            MailSettings.model_validate({"backend": "failover", "failover": ["file", provider]})


async def test_each_json_backend_is_one_small_subclass(app: App) -> None:
    mailer = get_mailer(app)
    assert isinstance(mailer, HttpApiMailer)
    assert mailer.provider == app.settings.mail.backend

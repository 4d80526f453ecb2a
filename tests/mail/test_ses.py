"""The SES backend (API v2) against a real moto server."""

from __future__ import annotations

import email
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import httpx
import pytest
from tests.moto_server import running_moto

from shipyard.mail import MailDeliveryError, MailRefused, Message, get_mailer
from shipyard.mail.providers import SesMailer

from .conftest import make_app

pytestmark = pytest.mark.aws

CREDENTIALS = {"access_key_id": "testing", "secret_access_key": "testing"}


@pytest.fixture(scope="module")
def moto() -> Iterator[str]:
    with running_moto() as endpoint:
        client = boto3.client(
            "sesv2",
            region_name="eu-west-1",
            endpoint_url=endpoint,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        client.create_email_identity(EmailIdentity="fleet@example.com")
        yield endpoint


def ses_settings(endpoint: str, sender: str = "Fleet <fleet@example.com>") -> dict[str, Any]:
    return {
        "backend": "ses",
        "from_address": sender,
        "ses": {"region": "eu-west-1", "endpoint_url": endpoint, **CREDENTIALS},
    }


def sent_by_moto(endpoint: str) -> list[dict[str, Any]]:
    answer = httpx.get(f"{endpoint}/moto-api/data.json").json()
    messages: list[dict[str, Any]] = answer["ses"]["RawMessage"]
    return messages


async def test_a_message_goes_out_raw_and_ses_gives_its_id(tmp_path: Path, moto: str) -> None:
    app = make_app(tmp_path, **ses_settings(moto))
    mailer = get_mailer(app)
    assert isinstance(mailer, SesMailer)
    from shipyard.mail import Attachment

    message = Message(
        to="ann@example.com",
        bcc=("bo@example.com",),
        subject="Your receipt",
        text="Thanks!",
        html="<p>Thanks!</p>",
        attachments=(Attachment("receipt.pdf", b"%PDF-1.4"),),
        message_id="key1@example.com",
    )
    found = await mailer.send(message)
    assert found
    stored = [m for m in sent_by_moto(moto) if m["id"] == found]
    (raw,) = stored
    parsed = email.message_from_string(raw["raw_data"])
    assert parsed["Subject"] == "Your receipt"
    assert parsed["Message-ID"] == "<key1@example.com>"
    assert "Bcc" not in parsed  # the envelope carries it
    assert set(raw["destinations"]) == {"ann@example.com", "bo@example.com"}
    filenames = [part.get_filename() for part in parsed.walk() if part.get_filename()]
    assert filenames == ["receipt.pdf"]


async def test_an_unverified_sender_is_refused_for_good(tmp_path: Path, moto: str) -> None:
    app = make_app(tmp_path, **ses_settings(moto, sender="stranger@elsewhere.example"))
    with pytest.raises(MailRefused) as caught:
        await get_mailer(app).send(Message(to="ann@example.com", subject="Hi", text="Hi"))
    assert "MessageRejected" in str(caught.value)
    assert "verified" in (caught.value.hint or "")


async def test_an_unreachable_endpoint_is_worth_a_retry(tmp_path: Path) -> None:
    from shipyard.testing.services import free_port

    app = make_app(tmp_path, **ses_settings(f"http://127.0.0.1:{free_port()}"))
    with pytest.raises(MailDeliveryError) as caught:
        await get_mailer(app).send(Message(to="ann@example.com", subject="Hi", text="Hi"))
    assert not isinstance(caught.value, MailRefused)
    assert "mail.ses.endpoint_url" in (caught.value.hint or "")

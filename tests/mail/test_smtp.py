"""The SMTP backend against a real aiosmtpd server: plain, STARTTLS, TLS, login, batches."""

from __future__ import annotations

import asyncio
from email import message_from_bytes
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from shipyard.config.models import MailSettings
from shipyard.mail import (
    FailoverMailer,
    MailDeliveryError,
    MailRefused,
    MemoryMailer,
    Message,
    SmtpMailer,
)

from .smtp_server import PASSWORD, USERNAME, Server, smtp_server


def mailer_for(server: Server, tmp_path: Path, **smtp: Any) -> SmtpMailer:
    settings = MailSettings.model_validate(
        {
            "backend": "smtp",
            "from_address": "App <app@example.com>",
            "smtp": {
                "host": "127.0.0.1",
                "port": server.port,
                "security": "none",
                "timeout": 10,
                **({"ca_file": str(server.ca_file)} if server.ca_file else {}),
                **smtp,
            },
        }
    )
    return SmtpMailer(settings, tmp_path)


def message(n: int = 1) -> Message:
    return Message(
        to=f"user{n}@example.com",
        cc=("copy@example.com",),
        bcc=("hidden@example.com",),
        subject=f"Hello {n}",
        text=f"text {n}",
        html=f"<p>html {n}</p>",
    )


async def test_plain_smtp_delivers_to_every_envelope_address(tmp_path: Path) -> None:
    with smtp_server(tmp_path) as server:
        await mailer_for(server, tmp_path).send(message())
    [envelope] = server.received.envelopes
    assert envelope.mail_from == "app@example.com"
    assert envelope.rcpt_tos == ["user1@example.com", "copy@example.com", "hidden@example.com"]
    assert isinstance(envelope.content, bytes)
    parsed = message_from_bytes(envelope.content)
    assert parsed["Subject"] == "Hello 1"
    assert parsed["Bcc"] is None


async def test_a_batch_goes_over_one_connection(tmp_path: Path) -> None:
    with smtp_server(tmp_path) as server:
        mailer = mailer_for(server, tmp_path, keepalive=0)
        await mailer.send_many([message(n) for n in range(5)])
        assert server.received.connections == 1
        await mailer.send(message(6))
        assert server.received.connections == 2
    assert len(server.received.envelopes) == 6
    assert mailer.connections_opened == 2


async def test_the_next_send_reuses_the_connection_kept_open(tmp_path: Path) -> None:
    with smtp_server(tmp_path, security="starttls", auth=True) as server:
        mailer = mailer_for(
            server, tmp_path, security="starttls", username=USERNAME, password=PASSWORD
        )
        for n in range(5):  # queued mail: one message per job, one after the other
            await mailer.send(message(n))
        await mailer.send_many([message(n) for n in range(5, 8)])
        assert mailer.connections_opened == 1  # one connect, one STARTTLS, one login
    assert len(server.received.envelopes) == 8


async def test_a_kept_connection_the_server_closed_is_replaced(tmp_path: Path) -> None:
    with smtp_server(tmp_path) as server:
        mailer = mailer_for(server, tmp_path)
        await mailer.send(message(1))
        (idle,) = mailer.idle._idle
        idle.client.close()  # the server timed it out, say
        await mailer.send(message(2))
        assert server.received.connections == 2
    assert len(server.received.envelopes) == 2


async def test_a_kept_connection_expires(tmp_path: Path) -> None:
    with smtp_server(tmp_path) as server:
        mailer = mailer_for(server, tmp_path, keepalive=0.05)
        await mailer.send(message(1))
        await asyncio.sleep(0.1)
        await mailer.send(message(2))
        assert server.received.connections == 2


async def test_starttls_with_login(tmp_path: Path) -> None:
    with smtp_server(tmp_path, security="starttls", auth=True) as server:
        mailer = mailer_for(
            server, tmp_path, security="starttls", username=USERNAME, password=PASSWORD
        )
        await mailer.send(message())
    assert len(server.received.envelopes) == 1


async def test_implicit_tls(tmp_path: Path) -> None:
    with smtp_server(tmp_path, security="tls") as server:
        await mailer_for(server, tmp_path, security="tls").send(message())
    assert len(server.received.envelopes) == 1


async def test_a_wrong_password_names_the_settings(tmp_path: Path) -> None:
    with smtp_server(tmp_path, security="starttls", auth=True) as server:
        mailer = mailer_for(
            server, tmp_path, security="starttls", username=USERNAME, password="wrong"
        )
        with pytest.raises(MailDeliveryError) as caught:
            await mailer.send(message())
    assert "refused the login of 'mailer'" in str(caught.value)
    assert "mail.smtp.password" in (caught.value.hint or "")
    assert server.received.envelopes == []


async def test_an_untrusted_certificate_is_refused(tmp_path: Path) -> None:
    with smtp_server(tmp_path, security="starttls") as server:
        mailer = mailer_for(server, tmp_path, security="starttls", ca_file=None)
        with pytest.raises(MailDeliveryError) as caught:
            await mailer.send(message())
    assert "mail.smtp.security = 'starttls'" in str(caught.value)
    assert "mail.smtp.ca_file" in (caught.value.hint or "")
    assert server.received.envelopes == []


async def test_a_server_requiring_starttls_refuses_plain_and_says_so(tmp_path: Path) -> None:
    with (
        smtp_server(tmp_path, security="starttls") as server,
        pytest.raises(MailDeliveryError, match="refused the message 'Hello 1'") as caught,
    ):
        await mailer_for(server, tmp_path, security="none").send(message())
    assert not isinstance(caught.value, MailRefused)  # 530: fix the settings, then retry


async def test_nothing_listening_names_host_and_port(tmp_path: Path) -> None:
    with smtp_server(tmp_path) as server:
        port = server.port
    mailer = mailer_for(Server(port, server.received, None), tmp_path)
    with pytest.raises(MailDeliveryError) as caught:
        await mailer.send(message())
    assert f"127.0.0.1:{port} (mail.smtp.host, mail.smtp.port)" in str(caught.value)


def test_incomplete_settings_name_the_missing_key() -> None:
    with pytest.raises(ValidationError, match=r"mail\.smtp\.host is not set"):
        MailSettings.model_validate({"backend": "smtp"})
    with pytest.raises(ValidationError, match=r"mail\.smtp\.password is not set"):
        MailSettings.model_validate({"smtp": {"host": "x", "username": "u"}})
    with pytest.raises(ValidationError, match=r"mail\.failover lists fewer than two"):
        MailSettings.model_validate({"backend": "failover", "failover": ["file"]})


def test_the_port_follows_the_security_mode() -> None:
    ports = {
        mode: MailSettings.model_validate({"smtp": {"security": mode}}).smtp.effective_port
        for mode in ("tls", "starttls", "none")
    }
    assert ports == {"tls": 465, "starttls": 587, "none": 25}


async def test_failover_moves_on_when_the_smtp_server_is_down(tmp_path: Path) -> None:
    with smtp_server(tmp_path) as server:
        port = server.port
    down = mailer_for(Server(port, server.received, None), tmp_path)
    memory = MemoryMailer(down.settings)
    await FailoverMailer([down, memory]).send(message())
    assert [m.subject for m in memory.outbox] == ["Hello 1"]


async def test_failover_fails_when_every_backend_fails(tmp_path: Path) -> None:
    with smtp_server(tmp_path) as server:
        port = server.port
    down = mailer_for(Server(port, server.received, None), tmp_path)
    with pytest.raises(MailDeliveryError, match=r"every mail backend of mail\.failover failed"):
        await FailoverMailer([down, down]).send(message())


async def test_the_failover_setting_builds_the_chain(tmp_path: Path) -> None:
    from shipyard.mail import get_mailer

    from .conftest import make_app

    with smtp_server(tmp_path) as server:
        port = server.port
    app = make_app(
        tmp_path,
        backend="failover",
        failover=["smtp", "memory"],
        smtp={"host": "127.0.0.1", "port": port, "security": "none"},
    )
    mailer = get_mailer(app)
    assert isinstance(mailer, FailoverMailer)
    assert [type(m) for m in mailer.mailers] == [SmtpMailer, MemoryMailer]
    await mailer.send(message())
    assert isinstance(mailer.mailers[1], MemoryMailer)
    assert len(mailer.mailers[1].outbox) == 1


def test_production_refuses_a_failover_to_console_or_memory(tmp_path: Path) -> None:
    from shipyard import App, Settings
    from shipyard.core.checks import run_checks

    settings = Settings.model_validate(
        {
            "app": {"base_url": "https://shop.example"},
            "mail": {
                "backend": "failover",
                "failover": ["smtp", "console"],
                "smtp": {"host": "smtp.example.com"},
            },
        }
    )
    app = App(settings, root=tmp_path)
    found = {finding.id: finding for finding in run_checks(app, deploy=True)}
    assert "core.E006" in found
    assert found["core.E006"].message.startswith("mail.failover: ")
    assert "console" in found["core.E006"].message
    assert '"file"' in found["core.E006"].message
    ready = settings.model_copy(
        update={"mail": settings.mail.model_copy(update={"failover": ("smtp", "file")})}
    )
    assert "core.E006" not in {f.id for f in run_checks(App(ready, root=tmp_path), deploy=True)}


async def test_a_partly_refused_message_reaches_the_others_and_logs_the_refusal(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    partly = Message(to=("ok@example.com", "refused@example.com"), subject="Partly", text="x")
    with smtp_server(tmp_path) as server, caplog.at_level("WARNING", logger="shipyard.mail"):
        await mailer_for(server, tmp_path).send(partly)
    [envelope] = server.received.envelopes
    assert envelope.rcpt_tos == ["ok@example.com"]
    assert "refused@example.com (5.1.1 No such mailbox)" in caplog.text


async def test_every_recipient_refused_is_a_permanent_error(tmp_path: Path) -> None:
    refused = Message(to="refused@example.com", subject="Nobody", text="x")
    with (
        smtp_server(tmp_path) as server,
        pytest.raises(MailRefused, match="refused the message 'Nobody'"),
    ):
        await mailer_for(server, tmp_path).send(refused)

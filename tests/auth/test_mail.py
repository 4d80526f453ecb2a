"""The minimal mail interface: console, file and memory backends, and header safety."""

from __future__ import annotations

import email
import io
from pathlib import Path

import pytest

from shipyard import App, Settings
from shipyard.config.models import MailSettings
from shipyard.mail import ConsoleMailer, FileMailer, Mailer, MemoryMailer, Message, get_mailer

SETTINGS = MailSettings(from_address="Fleet <fleet@example.com>")


async def test_console_mailer_prints_the_message() -> None:
    stream = io.StringIO()
    await ConsoleMailer(SETTINGS, stream).send(Message("a@example.com", "Hi", "Body text"))
    output = stream.getvalue()
    assert "To: a@example.com" in output
    assert "From: Fleet <fleet@example.com>" in output
    assert "Body text" in output


async def test_file_mailer_writes_eml_files(tmp_path: Path) -> None:
    mailer = FileMailer(SETTINGS, tmp_path / "mail")
    await mailer.send(Message(("a@example.com", "b@example.com"), "Hi", "Text", html="<b>Hi</b>"))
    [path] = list((tmp_path / "mail").glob("*.eml"))
    parsed = email.message_from_bytes(path.read_bytes())
    assert parsed["To"] == "a@example.com, b@example.com"
    assert parsed.get_content_type() == "multipart/alternative"


async def test_memory_mailer_keeps_an_outbox() -> None:
    mailer = MemoryMailer(SETTINGS)
    message = Message("a@example.com", "Hi", "Text")
    await mailer.send(message)
    assert mailer.outbox == [message]
    assert isinstance(mailer, Mailer)


@pytest.mark.parametrize(
    "message",
    [
        Message("a@example.com\r\nBcc: victim@example.com", "Hi", "x"),
        Message("a@example.com", "Hi\nBcc: victim@example.com", "x"),
    ],
)
async def test_header_injection_is_refused(message: Message) -> None:
    with pytest.raises(ValueError, match="line breaks"):
        await MemoryMailer(SETTINGS).send(message)


@pytest.mark.parametrize(
    ("backend", "kind"),
    [("console", ConsoleMailer), ("file", FileMailer), ("memory", MemoryMailer)],
)
def test_get_mailer_follows_settings(tmp_path: Path, backend: str, kind: type) -> None:
    settings = Settings.model_validate({"profile": "test", "mail": {"backend": backend}})
    app = App(settings=settings, root=tmp_path)
    mailer = get_mailer(app)
    assert isinstance(mailer, kind)
    assert get_mailer(app) is mailer
    if isinstance(mailer, FileMailer):
        assert mailer.directory == tmp_path / "var" / "mail"


def test_unknown_backend_is_a_settings_error() -> None:
    with pytest.raises(ValueError, match="backend"):
        Settings.model_validate({"mail": {"backend": "pigeon"}})

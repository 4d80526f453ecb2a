"""Inline images: an attachment marked ``inline`` is a related part of the HTML body,
named by its Content-ID (the filename), through mail classes, the queue's JSON and MIME."""

from __future__ import annotations

from email import message_from_bytes, policy
from email.message import EmailMessage

from shipyard.mail import Attachment, Message
from shipyard.mail.mailable import MailAttachment

PNG = b"\x89PNG\r\n\x1a\n" + bytes(24)


def _parsed(message: Message) -> EmailMessage:
    raw = message.to_email("fleet@example.com").as_bytes()
    parsed = message_from_bytes(raw, policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def test_an_inline_image_is_related_to_the_html_and_named_by_its_content_id() -> None:
    email = _parsed(
        Message(
            to="ann@example.com",
            subject="Fleet report",
            text="See the logo.",
            html='<p><img src="cid:logo.png" alt="Fleet"></p>',
            attachments=(
                Attachment("logo.png", PNG, inline=True),
                Attachment("report.pdf", b"%PDF-1.4"),
            ),
        )
    )
    related = next(part for part in email.walk() if part.get_content_type() == "multipart/related")
    html, image = related.iter_parts()
    assert html.get_content_type() == "text/html"
    assert image.get_content_type() == "image/png"
    assert image["Content-ID"] == "<logo.png>"
    assert image.get_content_disposition() == "inline"
    assert image.get_content() == PNG
    attached = [part.get_filename() for part in email.iter_attachments()]
    assert attached == ["report.pdf"]  # the logo is not listed as an attachment


def test_without_html_an_inline_image_is_an_ordinary_attachment() -> None:
    email = _parsed(
        Message(
            to="ann@example.com",
            subject="Fleet report",
            text="No HTML here.",
            attachments=(Attachment("logo.png", PNG, inline=True),),
        )
    )
    assert [part.get_filename() for part in email.iter_attachments()] == ["logo.png"]


def test_the_inline_flag_survives_the_queue() -> None:
    stored = MailAttachment(filename="logo.png", content=PNG, inline=True).model_dump_json()
    restored = MailAttachment.model_validate_json(stored)
    assert (restored.inline, restored.content) == (True, PNG)

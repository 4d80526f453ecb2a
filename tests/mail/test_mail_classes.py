"""Mail classes: rendering from templates, the derived text part, addressing, sending."""

from __future__ import annotations

from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default

import pytest
from jinja2 import UndefinedError
from pydantic import ValidationError

from shipyard import App
from shipyard.errors import ShipyardError
from shipyard.mail import MAIL_CLASSES, Mail, MailAttachment, MemoryMailer, get_mailer, send_mails
from shipyard.mail.templates import html_to_text

from .mails import SampleBroken, SampleMissing, SampleReceipt, SampleTextOnly, SampleWelcome


def parse(raw: bytes) -> EmailMessage:
    parsed = message_from_bytes(raw, policy=default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def test_html_template_renders_and_the_text_part_is_derived_from_it(app: App) -> None:
    message = SampleWelcome(to="ann@example.com", name="Ann", plan="pro").render(app)
    assert message.subject == "Welcome, Ann"
    assert message.html is not None
    assert "<h1>Welcome, Ann!</h1>" in message.html
    assert 'href="https://app.example.com/dashboard"' in message.html
    assert "Welcome, Ann!" in message.text
    assert "pro" in message.text
    assert "https://app.example.com/dashboard" in message.text  # the link keeps its URL
    assert "<" not in message.text.replace("<not", "")  # no markup left in the text


def test_html_is_autoescaped_and_text_templates_are_not(app: App) -> None:
    welcome = SampleWelcome(to="a@example.com", name="<script>alert(1)</script>").render(app)
    assert welcome.html is not None
    assert "<script>" not in welcome.html
    assert "&lt;script&gt;" in welcome.html
    receipt = SampleReceipt(to="a@example.com", number=7, amount="<b>5 €</b>").render(app)
    assert receipt.text == "Receipt 7 for <b>5 €</b> <not escaped>.\n"
    assert receipt.html == "<p>Receipt 7 for &lt;b&gt;5 €&lt;/b&gt;.</p>\n"


def test_a_text_template_alone_gives_a_text_only_message(app: App) -> None:
    message = SampleTextOnly(to="a@example.com", name="Bo").render(app)
    assert (message.text, message.html) == ("Hello Bo.\n", None)


def test_a_mail_without_templates_names_the_files_it_looked_for(app: App) -> None:
    with pytest.raises(ShipyardError) as caught:
        SampleMissing(to="a@example.com").render(app)
    assert "mail/does_not_exist.html" in str(caught.value)
    assert "mail/does_not_exist.txt" in str(caught.value)


def test_an_undefined_template_variable_is_an_error_not_an_empty_string(app: App) -> None:
    with pytest.raises(UndefinedError, match="no_such_variable"):
        SampleBroken(to="a@example.com").render(app)


def test_data_is_typed_and_checked_when_the_mail_is_made() -> None:
    with pytest.raises(ValidationError):
        SampleReceipt(to="a@example.com", number="seven", amount="1")
    with pytest.raises(ValidationError):
        SampleReceipt(to="a@example.com", number=1, amount="1", colour="red")  # type: ignore[call-arg]


def test_addressing_headers_and_attachments_reach_the_mime_message(app: App) -> None:
    mail = SampleReceipt(
        to=("ann@example.com", "bo@example.com"),
        cc=("cy@example.com",),
        bcc=("audit@example.com",),
        reply_to=("support@example.com",),
        from_address="Billing <billing@example.com>",
        headers={"List-Unsubscribe": "<https://app.example.com/unsubscribe/1>"},
        attachments=(MailAttachment(filename="receipt.pdf", content=b"%PDF-1.4 sample"),),
        number=3,
        amount="9",
    )
    message = mail.render(app)
    assert message.envelope == (
        "ann@example.com",
        "bo@example.com",
        "cy@example.com",
        "audit@example.com",
    )
    email = parse(message.to_email("default@example.com").as_bytes())
    assert email["To"] == "ann@example.com, bo@example.com"
    assert email["Cc"] == "cy@example.com"
    assert email["Bcc"] is None  # blind copies travel in the envelope only
    assert email["Reply-To"] == "support@example.com"
    assert email["From"] == "Billing <billing@example.com>"
    assert email["List-Unsubscribe"] == "<https://app.example.com/unsubscribe/1>"
    attachments = list(email.iter_attachments())
    assert [part.get_filename() for part in attachments] == ["receipt.pdf"]
    assert attachments[0].get_content_type() == "application/pdf"
    assert attachments[0].get_content() == b"%PDF-1.4 sample"
    body = email.get_body(("plain",))
    assert body is not None
    assert "Receipt 3 for 9" in body.get_content()


@pytest.mark.parametrize(
    ("headers", "problem"),
    [
        ({"X-Note": "a\r\nBcc: victim@example.com"}, "line breaks"),
        ({"Subject": "other"}, "own field"),
    ],
)
def test_header_injection_and_reserved_headers_are_refused(
    app: App, headers: dict[str, str], problem: str
) -> None:
    mail = SampleReceipt(to="a@example.com", headers=headers, number=1, amount="1")
    with pytest.raises(ValueError, match=problem):
        mail.render(app).to_email("x@example.com")


def test_a_subject_cannot_smuggle_a_header(app: App) -> None:
    message = SampleWelcome(to="a@example.com", name="Ann\r\nBcc: victim@example.com").render(app)
    assert "\n" not in message.subject  # whitespace in a rendered subject is folded
    message.to_email("x@example.com")


async def test_send_renders_and_hands_the_message_to_the_app_mailer(app: App) -> None:
    await SampleWelcome.preview().send(app)
    mailer = get_mailer(app)
    assert isinstance(mailer, MemoryMailer)
    sent = [(m.recipients, m.subject) for m in mailer.outbox]
    assert sent == [(("ann@example.com",), "Welcome, Ann")]


async def test_send_mails_sends_a_batch(app: App) -> None:
    await send_mails(app, [SampleTextOnly(to=f"u{n}@example.com", name=str(n)) for n in range(3)])
    mailer = get_mailer(app)
    assert isinstance(mailer, MemoryMailer)
    assert [m.text for m in mailer.outbox] == ["Hello 0.\n", "Hello 1.\n", "Hello 2.\n"]


def test_classes_with_a_template_are_registered_and_preview_is_asked_for() -> None:
    assert MAIL_CLASSES["tests.receipt"] is SampleReceipt
    assert MAIL_CLASSES[SampleWelcome.mail_name()] is SampleWelcome
    assert Mail not in MAIL_CLASSES.values()  # no template: a base class
    assert SampleWelcome.preview().name == "Ann"
    with pytest.raises(ShipyardError, match="define a classmethod preview"):
        SampleReceipt.preview()


def test_html_to_text_keeps_structure_and_links() -> None:
    text = html_to_text(
        "<h1>Title</h1><p>First <a href='https://x.example/a?b=1&amp;c=2'>link</a>.</p>"
        "<ul><li>one</li><li>two</li></ul><script>ignored()</script>"
    )
    assert "Title" in text
    assert "https://x.example/a?b=1&c=2" in text
    assert "* one" in text
    assert "ignored" not in text


def test_a_subclass_is_registered_under_its_own_name() -> None:
    class LouderReceipt(SampleReceipt):
        subject = "RECEIPT {{ number }}"

    assert SampleReceipt.mail_name() == "tests.receipt"
    assert LouderReceipt.mail_name().endswith("LouderReceipt")
    assert MAIL_CLASSES["tests.receipt"] is SampleReceipt
    assert MAIL_CLASSES[LouderReceipt.mail_name()] is LouderReceipt


def test_layout_tables_leave_no_indentation_in_the_text() -> None:
    column = "<table><tr><td><h1>Short heading</h1></td></tr></table>"
    footer = "<p>A footer line much wider than the column above it.</p>"
    centred = f'<table><tr><td align="center">{column}{footer}</td></tr></table>'
    assert html_to_text(centred) == (
        "Short heading\n\nA footer line much wider than the column above it.\n"
    )

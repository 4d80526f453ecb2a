"""Mail classes the mail tests send (their templates are in tests/mail/templates)."""

from __future__ import annotations

from typing import ClassVar

from shipyard.mail import Mail


class SampleWelcome(Mail):
    """HTML template only: the text part is derived."""

    template: ClassVar[str] = "mail/sample_welcome"
    subject: ClassVar[str] = "Welcome, {{ name }}"

    name: str
    plan: str = "free"

    @classmethod
    def preview(cls) -> SampleWelcome:
        return cls(to="ann@example.com", name="Ann", plan="pro")


class SampleReceipt(Mail):
    """Both an HTML and a text template."""

    template: ClassVar[str] = "mail/sample_receipt"
    subject: ClassVar[str] = "Receipt {{ number }}"
    stored_as: ClassVar[str | None] = "tests.receipt"

    number: int
    amount: str


class SampleTextOnly(Mail):
    """A text template only: no HTML part."""

    template = "mail/sample_text_only"
    subject = "Plain"

    name: str


class SampleMissing(Mail):
    """Names templates that do not exist."""

    template: ClassVar[str] = "mail/does_not_exist"
    subject: ClassVar[str] = "Nothing"


class SampleBroken(Mail):
    """Its template uses a variable the mail does not have."""

    template = "mail/sample_broken"
    subject = "Broken"

    @classmethod
    def preview(cls) -> SampleBroken:
        return cls(to="a@example.com")


class SampleMjml(Mail):
    """An MJML template (extending the framework's MJML layout), no text template."""

    template = "mail/sample_mjml"
    subject = "Order {{ number }} shipped"

    name: str
    number: int

    @classmethod
    def preview(cls) -> SampleMjml:
        return cls(to="ann@example.com", name="Ann", number=7)


class SampleBadMjml(Mail):
    """MJML that does not compile."""

    template = "mail/sample_bad_mjml"
    subject = "Bad"

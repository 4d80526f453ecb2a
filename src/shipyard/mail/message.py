"""The mail message and the protocol every mail backend implements."""

from __future__ import annotations

from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Protocol, runtime_checkable


@dataclass(frozen=True, slots=True)
class Message:
    """One email: recipient(s), subject, a plain-text body and optionally an HTML one."""

    to: str | tuple[str, ...]
    subject: str
    text: str
    html: str | None = None
    from_address: str | None = None

    @property
    def recipients(self) -> tuple[str, ...]:
        """The recipients as a tuple."""
        return (self.to,) if isinstance(self.to, str) else self.to

    def to_email(self, default_from: str) -> EmailMessage:
        """The message as a MIME ``EmailMessage`` (multipart/alternative with HTML)."""
        for value in (*self.recipients, self.subject, self.from_address or ""):
            if "\r" in value or "\n" in value:
                raise ValueError(f"line breaks are not allowed in mail headers: {value!r}")
        email = EmailMessage()
        email["From"] = self.from_address or default_from
        email["To"] = ", ".join(self.recipients)
        email["Subject"] = self.subject
        email["Date"] = formatdate(localtime=False)
        email["Message-ID"] = make_msgid(domain="shipyard.local")
        email.set_content(self.text)
        if self.html is not None:
            email.add_alternative(self.html, subtype="html")
        return email


@runtime_checkable
class Mailer(Protocol):
    """Sends messages. Every backend, present and future, implements this one method."""

    async def send(self, message: Message) -> None:
        """Deliver ``message`` (or queue it); raise on failure."""
        ...

"""The mail message and the protocol every mail backend implements.

A :class:`Message` is what a backend sends: addresses, subject, a text body, optionally
an HTML body, extra headers and attachments. ``to_email`` turns it into a MIME
``EmailMessage`` (Bcc left out of the headers, kept in :attr:`Message.envelope`); every
header value is checked for line breaks so no caller can inject a header.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from email.headerregistry import BaseHeader, HeaderRegistry
from email.message import EmailMessage
from email.policy import default as default_policy
from email.utils import formatdate, make_msgid
from typing import Protocol, runtime_checkable


class _CachedHeaderRegistry(HeaderRegistry):
    """The standard header registry, but making each header's class once: the stock one
    builds a new class with ``type()`` for every header of every message (most of the
    cost of building a message)."""

    def __init__(self) -> None:
        super().__init__()
        self._classes: dict[str, type[BaseHeader]] = {}

    def __getitem__(self, name: str) -> type[BaseHeader]:
        key = name.lower()
        found = self._classes.get(key)
        if found is None:
            found = self._classes[key] = super().__getitem__(name)
        return found


POLICY = default_policy.clone(header_factory=_CachedHeaderRegistry())
"""``email.policy.default`` with the cached header registry."""

RESERVED_HEADERS = frozenset(
    {"from", "to", "cc", "bcc", "reply-to", "subject", "date", "message-id", "content-type"}
)
"""Headers set from the message's own fields; ``headers`` may not name them."""


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file attached to a message; ``content_type`` is guessed from the name when empty.

    An ``inline`` attachment (an image the HTML shows) is referenced from the HTML as
    ``<img src="cid:logo.png">``: its Content-ID is its filename. It travels as a related
    part of the HTML body, so mail clients show it in place, not in the attachment list.
    """

    filename: str
    content: bytes
    content_type: str = ""
    inline: bool = False

    @property
    def content_id(self) -> str:
        """What the HTML's ``cid:`` URL names: the filename."""
        return self.filename

    @property
    def mime_type(self) -> tuple[str, str]:
        """The (maintype, subtype) pair of the attachment."""
        guessed = self.content_type or mimetypes.guess_type(self.filename)[0]
        maintype, _, subtype = (guessed or "application/octet-stream").partition("/")
        return maintype, subtype or "octet-stream"


def _addresses(value: str | Iterable[str]) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value)


def _check_header(name: str, value: str) -> None:
    if "\r" in value or "\n" in value:
        raise ValueError(f"line breaks are not allowed in mail headers ({name}): {value!r}")


@dataclass(frozen=True, slots=True)
class Message:
    """One email: recipients, subject, a plain-text body and optionally an HTML one.

    ``message_id`` (without angle brackets) is made up when empty; a queued mail sets
    it from its idempotency key so a resend carries the same id.
    """

    to: str | tuple[str, ...]
    subject: str
    text: str
    html: str | None = None
    from_address: str | None = None
    cc: tuple[str, ...] = ()
    bcc: tuple[str, ...] = ()
    reply_to: tuple[str, ...] = ()
    headers: Mapping[str, str] = field(default_factory=dict)
    attachments: tuple[Attachment, ...] = ()
    message_id: str | None = None

    @property
    def recipients(self) -> tuple[str, ...]:
        """The ``To`` recipients as a tuple."""
        return _addresses(self.to)

    @property
    def envelope(self) -> tuple[str, ...]:
        """Every address the message goes to: To, Cc and Bcc."""
        return (*self.recipients, *self.cc, *self.bcc)

    def to_email(self, default_from: str) -> EmailMessage:
        """The message as a MIME ``EmailMessage`` (multipart/alternative with HTML)."""
        sender = self.from_address or default_from
        for address in (sender, *self.envelope, *self.reply_to):
            _check_header("address", address)
        _check_header("Subject", self.subject)
        for name, value in self.headers.items():
            _check_header(name, name)
            _check_header(name, value)
            if name.lower() in RESERVED_HEADERS:
                raise ValueError(f"set the {name} header through the message's own field")
        email = EmailMessage(policy=POLICY)
        email["From"] = sender
        email["To"] = ", ".join(self.recipients)
        if self.cc:
            email["Cc"] = ", ".join(self.cc)
        if self.reply_to:
            email["Reply-To"] = ", ".join(self.reply_to)
        email["Subject"] = self.subject
        email["Date"] = formatdate(localtime=False)
        email["Message-ID"] = (
            f"<{self.message_id}>" if self.message_id else make_msgid(domain="shipyard.local")
        )
        for name, value in self.headers.items():
            email[name] = value
        email.set_content(self.text)
        html_part = None
        if self.html is not None:
            email.add_alternative(self.html, subtype="html")
            html_part = email.get_body(("html",))
        for attachment in self.attachments:
            _check_header("attachment filename", attachment.filename)
            maintype, subtype = attachment.mime_type
            if attachment.inline and html_part is not None:
                html_part.add_related(
                    attachment.content,
                    maintype=maintype,
                    subtype=subtype,
                    cid=f"<{attachment.content_id}>",
                    filename=attachment.filename,
                    disposition="inline",
                )
                continue
            email.add_attachment(
                attachment.content,
                maintype=maintype,
                subtype=subtype,
                filename=attachment.filename,
            )
        return email


@runtime_checkable
class Mailer(Protocol):
    """Sends messages. Every backend, present and future, implements this one method."""

    async def send(self, message: Message) -> str | None:
        """Deliver ``message`` (or queue it); raise on failure. Returns the id the
        provider gave the message, when it gives one (``None`` otherwise)."""
        ...


async def send_all(mailer: Mailer, messages: Iterable[Message]) -> None:
    """Send ``messages``: in one go when the backend has ``send_many`` (one SMTP connection
    for the batch), else one by one."""
    batch = list(messages)
    send_many = getattr(mailer, "send_many", None)
    if send_many is not None:
        await send_many(batch)
        return
    for message in batch:
        await mailer.send(message)

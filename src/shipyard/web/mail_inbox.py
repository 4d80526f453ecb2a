"""The development inbox: the mail the app really sent, read back from the file backend.

Like Rails' letter_opener: with ``mail.backend = "file"`` (what ``shipyard new`` and the
showcase use in development) every mail the app sends is an ``.eml`` file in
``mail.file_dir``; the previewer's ``/inbox`` lists them, newest first, and shows one
with its headers, attachments, text part and HTML part. The HTML is framed under the same
sandboxing CSP as the previews, except that a click on a link may navigate the whole tab
(``allow-top-navigation-by-user-activation`` and ``<base target="_top">``), so a
verification or reset link opens in place. Mail ids are the files' random names, checked
against their exact form: no path from a URL ever reaches the file system.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

from shipyard.config.models import MailSettings

INBOX_LIMIT = 100
"""The newest mails the inbox lists."""
_MAIL_ID = re.compile(r"[0-9a-f]{32}")
_BASE = '<base target="_top">'


@dataclass(frozen=True)
class SentMail:
    """One sent mail as the inbox shows it."""

    id: str
    subject: str
    headers: list[tuple[str, str]]
    text: str | None
    html: str | None
    attachments: list[tuple[str, int]]
    size: int

    @property
    def to(self) -> str:
        """The ``To`` header ("" when there is none)."""
        return next((value for key, value in self.headers if key.lower() == "to"), "")

    @property
    def framed_html(self) -> str | None:
        """The HTML part with its links aimed at the whole tab (see the module)."""
        if self.html is None:
            return None
        head = re.search(r"<head[^>]*>", self.html, re.IGNORECASE)
        if head is None:
            return _BASE + self.html
        return self.html[: head.end()] + _BASE + self.html[head.end() :]


def inbox_directory(settings: MailSettings, root: Path) -> Path | None:
    """Where the file backend writes, or None when another backend sends the mail."""
    if settings.backend != "file":
        return None
    directory = settings.file_dir
    return directory if directory.is_absolute() else root / directory


def _body(email: EmailMessage, kind: str) -> str | None:
    part = email.get_body((kind,))
    if part is None:
        return None
    content = part.get_content()
    return content if isinstance(content, str) else None


def _read(path: Path) -> SentMail:
    data = path.read_bytes()
    email: EmailMessage = message_from_bytes(data, policy=policy.default)
    attachments = [
        (part.get_filename() or "unnamed", len(part.get_payload(decode=True) or b""))
        for part in email.iter_attachments()
    ]
    return SentMail(
        id=path.stem,
        subject=str(email.get("Subject", "(no subject)")),
        headers=[(key, str(value)) for key, value in email.items()],
        text=_body(email, "plain"),
        html=_body(email, "html"),
        attachments=attachments,
        size=len(data),
    )


def list_sent(directory: Path, limit: int = INBOX_LIMIT) -> list[SentMail]:
    """The newest ``limit`` mails in ``directory``, newest first."""
    if not directory.is_dir():
        return []
    files = [path for path in directory.glob("*.eml") if _MAIL_ID.fullmatch(path.stem)]
    files.sort(key=lambda path: path.stat().st_mtime, reverse=True)
    return [_read(path) for path in files[:limit]]


def read_sent(directory: Path, mail_id: str) -> SentMail | None:
    """The mail called ``mail_id``, or None for a malformed id or a missing file."""
    if not _MAIL_ID.fullmatch(mail_id):
        return None
    path = directory / f"{mail_id}.eml"
    return _read(path) if path.is_file() else None

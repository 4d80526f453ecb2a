"""Resend's ``POST /emails`` (200 with ``{"id": ...}``); a queued mail's Message-ID is
sent as the ``Idempotency-Key``, so a retried request never sends twice."""

from __future__ import annotations

from typing import Any, ClassVar

import httpx

from shipyard.mail.message import Message
from shipyard.mail.providers.http import HttpApiMailer, encoded


class ResendMailer(HttpApiMailer):
    """Sends through Resend (``mail.resend``)."""

    provider: ClassVar[str] = "resend"
    path: ClassVar[str] = "/emails"

    def auth_headers(self, key: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {key}"}

    def request_headers(self, message: Message) -> dict[str, str]:
        return {"Idempotency-Key": message.message_id} if message.message_id else {}

    def payload(self, message: Message, sender: str) -> dict[str, Any]:
        body: dict[str, Any] = {
            "from": sender,
            "to": list(message.recipients),
            "subject": message.subject,
            "text": message.text,
        }
        if message.html is not None:
            body["html"] = message.html
        for name, value in (("cc", message.cc), ("bcc", message.bcc)):
            if value:
                body[name] = list(value)
        if message.reply_to:
            body["reply_to"] = list(message.reply_to)
        if message.headers:
            body["headers"] = dict(message.headers)
        if message.attachments:
            body["attachments"] = [
                {
                    "filename": item.filename,
                    "content": encoded(item.content),
                    "content_type": "/".join(item.mime_type),
                    **({"content_id": item.content_id} if item.inline else {}),
                }
                for item in message.attachments
            ]
        return body

    def message_id(self, response: httpx.Response) -> str | None:
        found = response.json().get("id")
        return str(found) if found else None

    def error_detail(self, response: httpx.Response) -> str:
        try:
            answer = response.json()
            said = f"{answer.get('name', '')}: {answer.get('message', '')}".strip(": ")
        except (ValueError, AttributeError):
            said = ""
        return said or super().error_detail(response)

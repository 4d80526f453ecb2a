"""Postmark's ``POST /email`` (200 with ``{"MessageID": ...}``, errors as
``{"ErrorCode": ..., "Message": ...}``)."""

from __future__ import annotations

from typing import Any, ClassVar

import httpx

from shipyard.config.sections.mail_providers import PostmarkSettings
from shipyard.mail.message import Message
from shipyard.mail.providers.http import HttpApiMailer, encoded


class PostmarkMailer(HttpApiMailer):
    """Sends through Postmark (``mail.postmark``) on its ``message_stream``."""

    provider: ClassVar[str] = "postmark"
    path: ClassVar[str] = "/email"

    def auth_headers(self, key: str) -> dict[str, str]:
        return {"X-Postmark-Server-Token": key}

    def payload(self, message: Message, sender: str) -> dict[str, Any]:
        settings: PostmarkSettings = self.settings.postmark
        body: dict[str, Any] = {
            "From": sender,
            "To": ", ".join(message.recipients),
            "Subject": message.subject,
            "TextBody": message.text,
            "MessageStream": settings.message_stream,
        }
        if message.html is not None:
            body["HtmlBody"] = message.html
        if message.cc:
            body["Cc"] = ", ".join(message.cc)
        if message.bcc:
            body["Bcc"] = ", ".join(message.bcc)
        if message.reply_to:
            body["ReplyTo"] = ", ".join(message.reply_to)
        if message.headers:
            body["Headers"] = [{"Name": k, "Value": v} for k, v in message.headers.items()]
        if message.attachments:
            body["Attachments"] = [
                {
                    "Name": item.filename,
                    "Content": encoded(item.content),
                    "ContentType": "/".join(item.mime_type),
                    **({"ContentID": f"cid:{item.content_id}"} if item.inline else {}),
                }
                for item in message.attachments
            ]
        if message.message_id:
            body["Metadata"] = {"shipyard_message_id": message.message_id}
        return body

    def message_id(self, response: httpx.Response) -> str | None:
        found = response.json().get("MessageID")
        return str(found) if found else None

    def error_detail(self, response: httpx.Response) -> str:
        try:
            answer = response.json()
            said = f"ErrorCode {answer['ErrorCode']}: {answer.get('Message', '')}"
        except (ValueError, KeyError, TypeError):
            said = ""
        return said or super().error_detail(response)

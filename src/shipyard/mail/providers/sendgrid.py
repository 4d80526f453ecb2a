"""SendGrid's v3 ``POST /v3/mail/send`` (202 Accepted, the id in ``X-Message-Id``)."""

from __future__ import annotations

from typing import Any, ClassVar

import httpx

from shipyard.mail.message import Message
from shipyard.mail.providers.http import HttpApiMailer, encoded, split_address


def _party(address: str) -> dict[str, str]:
    name, email = split_address(address)
    return {"email": email, "name": name} if name else {"email": email}


class SendgridMailer(HttpApiMailer):
    """Sends through SendGrid (``mail.sendgrid``)."""

    provider: ClassVar[str] = "sendgrid"
    path: ClassVar[str] = "/v3/mail/send"

    def auth_headers(self, key: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {key}"}

    def payload(self, message: Message, sender: str) -> dict[str, Any]:
        recipients: dict[str, Any] = {"to": [_party(a) for a in message.recipients]}
        if message.cc:
            recipients["cc"] = [_party(a) for a in message.cc]
        if message.bcc:
            recipients["bcc"] = [_party(a) for a in message.bcc]
        content = [{"type": "text/plain", "value": message.text}]  # text/plain must be first
        if message.html is not None:
            content.append({"type": "text/html", "value": message.html})
        body: dict[str, Any] = {
            "personalizations": [recipients],
            "from": _party(sender),
            "subject": message.subject,
            "content": content,
        }
        if message.reply_to:
            body["reply_to_list"] = [_party(a) for a in message.reply_to]
        if message.headers:
            body["headers"] = dict(message.headers)
        if message.attachments:
            body["attachments"] = [
                {
                    "content": encoded(item.content),
                    "filename": item.filename,
                    "type": "/".join(item.mime_type),
                    "disposition": "inline" if item.inline else "attachment",
                    **({"content_id": item.content_id} if item.inline else {}),
                }
                for item in message.attachments
            ]
        if message.message_id:  # comes back on every event of the webhook
            body["custom_args"] = {"shipyard_message_id": message.message_id}
        return body

    def message_id(self, response: httpx.Response) -> str | None:
        found = response.headers.get("X-Message-Id")
        return str(found) if found else None

    def error_detail(self, response: httpx.Response) -> str:
        try:
            errors = response.json().get("errors") or []
            said = "; ".join(
                f"{e.get('message')}" + (f" ({e['field']})" if e.get("field") else "")
                for e in errors
            )
        except (ValueError, AttributeError):
            said = ""
        return said or super().error_detail(response)

"""A local stand-in for SendGrid, Resend and Postmark, served by uvicorn in a thread.

Each endpoint checks a request as the provider's documentation describes it (the auth
header, the JSON shape: SendGrid's ``personalizations``/``from``/``content`` with
text/plain first, Resend's ``from``/``to``/``subject``, Postmark's ``From``/``To``/
``Subject``/``MessageStream``) and answers as the provider does: SendGrid 202 with an
empty body and ``X-Message-Id``, errors as ``{"errors": [...]}``; Resend 200 with
``{"id": ...}`` (the same id again for a repeated ``Idempotency-Key``), errors as
``{"statusCode", "name", "message"}``; Postmark 200 with ``MessageID``, errors as
``{"ErrorCode", "Message"}``. ``fail_next`` scripts answers (500, 429...) to come first.
"""

from __future__ import annotations

import base64
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from shipyard.testing.services import free_port

SENDGRID_KEY = "SG.test-key"
RESEND_KEY = "re_test_key"
POSTMARK_TOKEN = "postmark-server-token"


@dataclass
class Received:
    """One request a provider accepted."""

    provider: str
    body: dict[str, Any]
    headers: dict[str, str]
    message_id: str


def _is_address_list(value: object) -> bool:
    return isinstance(value, list) and all(
        isinstance(item, dict) and isinstance(item.get("email"), str) and "@" in item["email"]
        for item in value
    )


@dataclass
class FakeProviders:
    url: str = ""
    accepted: list[Received] = field(default_factory=list)
    fail_next: list[int] = field(default_factory=list)
    requests: int = 0
    idempotent: dict[str, str] = field(default_factory=dict)

    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/v3/mail/send", self.sendgrid, methods=["POST"]),
                Route("/emails", self.resend, methods=["POST"]),
                Route("/email", self.postmark, methods=["POST"]),
            ]
        )

    def of(self, provider: str) -> list[Received]:
        return [item for item in self.accepted if item.provider == provider]

    def _scripted(self) -> int | None:
        self.requests += 1
        return self.fail_next.pop(0) if self.fail_next else None

    async def sendgrid(self, request: Request) -> Response:
        def error(status: int, message: str, where: str | None = None) -> Response:
            return JSONResponse(
                {"errors": [{"message": message, "field": where, "help": None}]},
                status_code=status,
            )

        scripted = self._scripted()
        if scripted is not None:
            return error(scripted, "scripted failure")
        if request.headers.get("authorization") != f"Bearer {SENDGRID_KEY}":
            return error(401, "The provided authorization grant is invalid, expired, or revoked")
        body = await request.json()
        personalizations = body.get("personalizations")
        if not isinstance(personalizations, list) or not personalizations:
            return error(400, "You must have at least one personalization.", "personalizations")
        for item in personalizations:
            if not _is_address_list(item.get("to")):
                return error(400, "The to array is required for all personalization objects")
            for other in ("cc", "bcc"):
                if other in item and not _is_address_list(item[other]):
                    return error(400, f"invalid {other}", f"personalizations.0.{other}")
        sender = body.get("from")
        if not (isinstance(sender, dict) and "@" in str(sender.get("email"))):
            return error(400, "The from object must be provided for every email send.", "from")
        if not isinstance(body.get("subject"), str) or not body["subject"]:
            return error(400, "The subject is required.", "subject")
        content = body.get("content")
        if not (isinstance(content, list) and content and content[0].get("type") == "text/plain"):
            return error(400, "The text/plain content type must be first.", "content")
        for attachment in body.get("attachments", []):
            base64.b64decode(attachment["content"], validate=True)
            if not attachment.get("filename"):
                return error(400, "The attachment filename parameter is required.")
        for item in personalizations:
            for party in item["to"]:
                if party["email"].endswith("@invalid.example"):
                    return error(400, "Does not contain a valid address.", "personalizations")
        message_id = uuid.uuid4().hex[:22]
        self.accepted.append(Received("sendgrid", body, dict(request.headers), message_id))
        return Response(status_code=202, headers={"X-Message-Id": message_id})

    async def resend(self, request: Request) -> Response:
        def error(status: int, name: str, message: str) -> Response:
            return JSONResponse(
                {"statusCode": status, "name": name, "message": message}, status_code=status
            )

        scripted = self._scripted()
        if scripted is not None:
            return error(scripted, "application_error", "scripted failure")
        if request.headers.get("authorization") != f"Bearer {RESEND_KEY}":
            return error(401, "invalid_api_key", "API key is invalid")
        body = await request.json()
        for required in ("from", "to", "subject"):
            if not body.get(required):
                return error(422, "missing_required_field", f"Missing `{required}` field.")
        if not isinstance(body["to"], list) or any("@" not in str(to) for to in body["to"]):
            return error(422, "validation_error", "Invalid `to` field.")
        if "html" not in body and "text" not in body:
            return error(422, "validation_error", "Missing `html` or `text` field.")
        if any(to.endswith("@invalid.example") for to in body["to"]):
            return error(422, "validation_error", "Invalid `to` field.")
        key = request.headers.get("idempotency-key")
        if key is not None and key in self.idempotent:
            return JSONResponse({"id": self.idempotent[key]})
        message_id = str(uuid.uuid4())
        if key is not None:
            self.idempotent[key] = message_id
        self.accepted.append(Received("resend", body, dict(request.headers), message_id))
        return JSONResponse({"id": message_id})

    async def postmark(self, request: Request) -> Response:
        def error(status: int, code: int, message: str) -> Response:
            return JSONResponse({"ErrorCode": code, "Message": message}, status_code=status)

        scripted = self._scripted()
        if scripted is not None:
            return error(scripted, 100 if scripted >= 500 else 429, "scripted failure")
        if request.headers.get("accept") != "application/json":
            return error(406, 0, "Accept: application/json is required")
        if request.headers.get("x-postmark-server-token") != POSTMARK_TOKEN:
            return error(401, 10, "Request does not contain a valid Server token.")
        body = await request.json()
        for required in ("From", "To", "Subject"):
            if not isinstance(body.get(required), str) or not body[required]:
                return error(422, 300, f"Invalid email request: {required} is required.")
        if "TextBody" not in body and "HtmlBody" not in body:
            return error(422, 300, "Provide either email TextBody or HtmlBody or both.")
        if "inactive@" in body["To"]:
            return error(
                422, 406, "You tried to send to recipient(s) that have been marked as inactive."
            )
        message_id = str(uuid.uuid4())
        self.accepted.append(Received("postmark", body, dict(request.headers), message_id))
        return JSONResponse(
            {
                "To": body["To"],
                "SubmittedAt": "2026-12-07T12:00:00.0000000-05:00",
                "MessageID": message_id,
                "ErrorCode": 0,
                "Message": "OK",
            }
        )


@contextmanager
def running_providers() -> Iterator[FakeProviders]:
    """The local providers, served until the block ends."""
    providers = FakeProviders()
    port = free_port()
    providers.url = f"http://127.0.0.1:{port}"
    config = uvicorn.Config(providers.app(), host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    try:
        yield providers
    finally:
        server.should_exit = True
        thread.join(timeout=10)

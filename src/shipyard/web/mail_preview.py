"""The mail previewer: every mail class rendered with its sample data, in development only.

``MailPreviewExtension`` (part of every :class:`shipyard.App`) mounts, under
``/_shipyard/mail`` by default:

- ``/_shipyard/mail``: the mail classes (:data:`~shipyard.mail.MAIL_CLASSES`) and their subjects;
- ``/_shipyard/mail/{name}``: one mail: headers, size, attachments, the text part, and the HTML
  part in a sandboxed frame with a desktop/mobile width toggle (CSS only: radio buttons,
  no script);
- ``/_shipyard/mail/{name}/html``: the HTML part alone, for the frame. It carries its own CSP
  (``sandbox``: no scripts, an opaque origin; inline styles allowed, as mail needs them;
  nothing fetched but images) so mail markup never runs with the app's origin;
- ``/_shipyard/mail/inbox``, ``/inbox/{id}`` and ``/inbox/{id}/html``: the mail the app
  really sent, with the file backend (:mod:`shipyard.web.mail_inbox`).

Every path answers 404 unless the profile is ``development`` or ``test``: the previewer
shows what templates make of sample data, not something to publish. A mail whose
``preview()`` or templates fail is listed with the error instead of breaking the page.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from fastapi import HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from jinja2 import TemplateError

from shipyard.errors import ShipyardError
from shipyard.extension import Extension
from shipyard.mail import MAIL_CLASSES, Mail, Message
from shipyard.web.mail_inbox import INBOX_LIMIT, SentMail, inbox_directory, list_sent, read_sent
from shipyard.web.pages import PageRouter
from shipyard.web.render import render

if TYPE_CHECKING:
    from shipyard.core.app import AppBase

PREVIEW_PROFILES = frozenset({"development", "test"})
"""The profiles the previewer answers in; 404 in every other."""

FRAME_CSP = (
    "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data: https: http:; "
    "font-src data: https:; frame-ancestors 'self'"
)
"""The policy of the framed HTML part: no script, opaque origin, only images fetched."""
INBOX_FRAME_CSP = FRAME_CSP.replace("sandbox;", "sandbox allow-top-navigation-by-user-activation;")
"""A sent mail's frame: the same, but a clicked link may open in the whole tab."""


@dataclass(frozen=True)
class Preview:
    """One mail class as the previewer shows it: its message, or why there is none."""

    name: str
    title: str
    doc: str
    message: Message | None
    error: str | None
    headers: list[tuple[str, str]]
    size: int


def _preview(app: AppBase, name: str, cls: type[Mail]) -> Preview:
    doc = (cls.__doc__ or "").strip().splitlines()[0] if cls.__doc__ else ""
    try:
        message = cls.preview().render(app)
        email = message.to_email(app.settings.mail.from_address)
    except (ShipyardError, TemplateError, ValueError, LookupError, TypeError) as error:
        hint = getattr(error, "hint", None)
        text = f"{error}" + (f" ({hint})" if hint else "")
        return Preview(name, cls.__name__, doc, None, text, [], 0)
    shown = [(key, str(value)) for key, value in email.items() if key.lower() != "date"]
    return Preview(name, cls.__name__, doc, message, None, shown, len(email.as_bytes()))


class MailPreviewExtension(Extension):
    """Mounts the previewer at ``path`` (404 outside development and test)."""

    name = "mail-preview"

    def __init__(self, path: str = "/_shipyard/mail") -> None:
        if not path.startswith("/") or "{" in path or path != path.strip():
            raise ShipyardError(
                f"MailPreviewExtension(path={path!r}) is not a plain URL path",
                hint='give an absolute path such as "/_shipyard/mail"',
            )
        self.path = path.rstrip("/") or "/"

    def setup(self, app: AppBase) -> None:
        if app.settings.profile not in PREVIEW_PROFILES:
            return  # no routes: nothing for production requests to be matched against
        router = PageRouter()
        router.add_api_route(self.path, self.index, methods=["GET"], name="shipyard_mail_preview")
        inbox = self.path.rstrip("/") + "/inbox"
        router.add_api_route(inbox, self.inbox, methods=["GET"], name="shipyard_mail_inbox")
        router.add_api_route(
            inbox + "/{mail_id}", self.sent, methods=["GET"], name="shipyard_mail_inbox_mail"
        )
        router.add_api_route(
            inbox + "/{mail_id}/html",
            self.sent_html,
            methods=["GET"],
            name="shipyard_mail_inbox_html",
        )
        router.add_api_route(
            self.path + "/{name}",
            self.detail,
            methods=["GET"],
            name="shipyard_mail_preview_detail",
        )
        router.add_api_route(
            self.path + "/{name}/html",
            self.html,
            methods=["GET"],
            name="shipyard_mail_preview_html",
        )
        app.include_router(router)

    @staticmethod
    def _guard(request: Request) -> AppBase:
        app: AppBase = request.app
        if app.settings.profile not in PREVIEW_PROFILES:
            raise HTTPException(status_code=404)
        return app

    def _one(self, request: Request, name: str) -> Preview:
        app = self._guard(request)
        cls = MAIL_CLASSES.get(name)
        if cls is None:
            raise HTTPException(status_code=404, detail=f"No mail class is called {name!r}.")
        return _preview(app, name, cls)

    async def index(self, request: Request) -> HTMLResponse:
        """Every mail class, with its subject or the error that keeps it from rendering."""
        app = self._guard(request)
        previews = [_preview(app, name, MAIL_CLASSES[name]) for name in sorted(MAIL_CLASSES)]
        context = {"previews": previews, "base": self.path}
        return render(request, "mail/preview/index.html", context)

    async def detail(self, request: Request, name: str) -> HTMLResponse:
        """One mail: headers, size, HTML in a sandboxed frame, the text part."""
        preview = self._one(request, name)
        context = {"preview": preview, "base": self.path}
        return render(request, "mail/preview/detail.html", context)

    def _inbox(self, request: Request) -> Path | None:
        app = self._guard(request)
        return inbox_directory(app.settings.mail, app.root)

    async def inbox(self, request: Request) -> HTMLResponse:
        """The newest mails the file backend wrote, or how to get them."""
        directory = self._inbox(request)
        sent = [] if directory is None else await asyncio.to_thread(list_sent, directory)
        context = {"sent": sent, "directory": directory, "base": self.path, "limit": INBOX_LIMIT}
        return render(request, "mail/preview/inbox.html", context)

    async def _sent(self, request: Request, mail_id: str) -> SentMail:
        directory = self._inbox(request)
        found = (
            None if directory is None else await asyncio.to_thread(read_sent, directory, mail_id)
        )
        if found is None:
            raise HTTPException(status_code=404, detail="No sent mail has this id.")
        return found

    async def sent(self, request: Request, mail_id: str) -> HTMLResponse:
        """One sent mail: headers, attachments, the HTML part framed, the text part."""
        context = {"mail": await self._sent(request, mail_id), "base": self.path}
        return render(request, "mail/preview/sent.html", context)

    async def sent_html(self, request: Request, mail_id: str) -> Response:
        """A sent mail's HTML part, sandboxed, its links opening in the whole tab."""
        html = (await self._sent(request, mail_id)).framed_html
        if html is None:
            raise HTTPException(status_code=404, detail="This mail has no HTML part.")
        return HTMLResponse(html, headers=_frame_headers(INBOX_FRAME_CSP))

    async def html(self, request: Request, name: str) -> Response:
        """The HTML part alone, under a sandboxing CSP of its own."""
        preview = self._one(request, name)
        if preview.message is None or preview.message.html is None:
            raise HTTPException(status_code=404, detail="This mail has no HTML part.")
        return HTMLResponse(preview.message.html, headers=_frame_headers(FRAME_CSP))


def _frame_headers(policy: str) -> dict[str, str]:
    return {
        "Content-Security-Policy": policy,
        "X-Frame-Options": "SAMEORIGIN",
        "Cache-Control": "no-store",
    }

"""Mail classes: typed data plus templates, rendered into a :class:`Message`.

::

    class WelcomeMail(Mail):
        template = "mail/welcome"  # mail/welcome.html and/or mail/welcome.txt
        subject = "Welcome, {{ name }}"

        name: str

        @classmethod
        def preview(cls) -> WelcomeMail:
            return cls(to="ann@example.com", name="Ann")


    await WelcomeMail(to=user.email, name=user.name).send(app)  # now
    await WelcomeMail(to=user.email, name=user.name).queue(app)  # by a job, with retries

A mail is a pydantic model: its fields are validated when it is made, and stored as
JSON when it is queued. Every field is a template variable (``mail`` is the object
itself). Without a text template the text part is derived from the HTML. Queueing needs
a service that stores the mail as a job (:data:`MAIL_QUEUE`, provided by the jobs
extension), since this package sits below the jobs system.
"""

from __future__ import annotations

from collections.abc import Iterable
from email.utils import parseaddr
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, Self, runtime_checkable

from jinja2 import Environment, TemplateNotFound
from pydantic import BaseModel, ConfigDict, Field

from shipyard.core.services import Service
from shipyard.core.tracing import span
from shipyard.errors import ShipyardError
from shipyard.mail.compile import compile_mjml, inline_css
from shipyard.mail.message import Attachment, Message
from shipyard.mail.tally import deliver, deliver_all
from shipyard.mail.templates import html_to_text, mail_templates

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from shipyard.core.app import AppBase

ADDRESSING = frozenset(
    {"to", "cc", "bcc", "reply_to", "from_address", "headers", "attachments", "message_id"}
)
"""The fields every mail has; the others are the subclass's own data."""


class MailAttachment(BaseModel):
    """A file attached to a mail (stored base64-encoded when the mail is queued)."""

    model_config = ConfigDict(frozen=True, ser_json_bytes="base64", val_json_bytes="base64")

    filename: str
    content: bytes
    content_type: str = ""
    inline: bool = False
    """Shown in the HTML as ``<img src="cid:<filename>">`` (see :class:`Attachment`)."""


class Mail(BaseModel):
    """Base of every mail class: addressing fields here, data fields in the subclass."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    template: ClassVar[str] = ""
    """Template name without extension: ``<template>.mjml`` or ``<template>.html``, and/or
    ``<template>.txt``."""
    subject: ClassVar[str] = ""
    """The subject, a Jinja template rendered with the mail's fields."""
    stored_as: ClassVar[str | None] = None
    """The name a queued mail is stored under; defaults to ``module.QualName``. Set it to
    keep mail queued before a rename working (subclasses do not inherit it)."""

    to: str | tuple[str, ...]
    cc: tuple[str, ...] = ()
    bcc: tuple[str, ...] = ()
    reply_to: tuple[str, ...] = ()
    from_address: str | None = None
    headers: dict[str, str] = Field(default_factory=dict)
    """Extra headers, e.g. ``{"List-Unsubscribe": "<https://...>"}``."""
    attachments: tuple[MailAttachment, ...] = ()

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        if cls.template:
            MAIL_CLASSES[cls.mail_name()] = cls

    @classmethod
    def mail_name(cls) -> str:
        """The name this class is registered (and queued) under."""
        own = cls.__dict__.get("stored_as")  # not inherited: a subclass is another mail
        return own or f"{cls.__module__}.{cls.__qualname__}"

    @classmethod
    def preview(cls) -> Self:
        """A mail with sample data, for the previewer; override it in each class."""
        raise ShipyardError(
            f"{cls.__name__} has no sample data to preview",
            hint=f"define a classmethod preview() on {cls.__name__} returning "
            f'{cls.__name__}(to="someone@example.com", ...)',
        )

    def context(self) -> dict[str, Any]:
        """The template variables: every field, plus ``mail`` (the object itself); the
        body templates also get ``subject`` (rendered)."""
        values = {name: getattr(self, name) for name in type(self).model_fields}
        return {**values, "mail": self}

    def render_subject(self, app: AppBase, context: dict[str, Any] | None = None) -> str:
        """The subject, rendered with the mail's fields, on one line."""
        template = mail_templates(app).from_string(self.subject)
        return " ".join(template.render(context or self.context()).split())

    def render(self, app: AppBase, *, message_id: str | None = None) -> Message:
        """The message this mail makes, rendered with the app's mail templates."""
        if not self.template:
            raise ShipyardError(
                f"{type(self).__name__} names no template",
                hint=f'set template = "mail/<name>" on {type(self).__name__}',
            )
        env = mail_templates(app).env
        context = self.context()
        subject = self.render_subject(app, context)
        context["subject"] = subject
        html = self._render_html(env, context)
        text = _render_optional(env, f"{self.template}.txt", context)
        if html is None and text is None:
            raise ShipyardError(
                f"{type(self).__name__} has no template: none of {self.template}.mjml, "
                f"{self.template}.html or {self.template}.txt was found in the app's "
                "template folders",
                hint=f"create templates/{self.template}.mjml or .html (the text part is "
                "derived from it) or .txt",
            )
        return Message(
            to=self.to,
            subject=subject,
            text=text if text is not None else html_to_text(html or ""),
            html=html,
            from_address=self.from_address,
            cc=self.cc,
            bcc=self.bcc,
            reply_to=self.reply_to,
            headers=dict(self.headers),
            attachments=tuple(
                Attachment(item.filename, item.content, item.content_type, item.inline)
                for item in self.attachments
            ),
            message_id=message_id,
        )

    async def send(self, app: AppBase) -> str | None:
        """Render and send now through the app's mailer; the provider's id for it."""
        name = type(self).__name__
        with span(f"mail {name}", {"shipyard.mail": name}):
            return await deliver(app, self.render(app))

    async def queue(
        self, app: AppBase, *, delay: float | None = None, session: AsyncSession | None = None
    ) -> str:
        """Store the mail as a job that sends it with retries; returns the job id.

        With ``session`` (the request's database session) the job is stored when that
        transaction commits, and dropped if it rolls back.
        """
        return await MAIL_QUEUE.get(app).enqueue(self, delay=delay, session=session)

    def _render_html(self, env: Environment, context: dict[str, Any]) -> str | None:
        """The HTML part: from ``<template>.mjml`` (compiled) if there is one, else from
        ``<template>.html``; CSS inlined either way."""
        mjml_name = f"{self.template}.mjml"
        source = _render_optional(env, mjml_name, context)
        if source is not None:
            return inline_css(compile_mjml(source, mjml_name))
        html = _render_optional(env, f"{self.template}.html", context)
        return None if html is None else inline_css(html)


def message_id_for(key: str, from_address: str) -> str:
    """A Message-ID (without brackets) made from an idempotency key and the sender's domain."""
    domain = parseaddr(from_address)[1].rpartition("@")[2] or "shipyard.local"
    return f"{key}@{domain}"


async def send_mails(app: AppBase, mails: Iterable[Mail]) -> None:
    """Render and send several mails in one batch (one SMTP connection)."""
    messages = [mail.render(app) for mail in mails]
    with span("mail batch", {"shipyard.mail.count": str(len(messages))}):
        await deliver_all(app, messages)


def _render_optional(env: Environment, name: str, context: dict[str, Any]) -> str | None:
    try:
        template = env.get_template(name)
    except TemplateNotFound as error:
        if error.name != name:  # a template it includes or extends is missing
            raise
        return None
    rendered: str = template.render(context)
    return rendered


MAIL_CLASSES: dict[str, type[Mail]] = {}
"""Every mail class with a template, by :meth:`Mail.mail_name` (queued mail finds its
class here; the previewer lists them)."""


@runtime_checkable
class MailQueue(Protocol):
    """Stores a mail for a worker to send (the jobs extension provides one)."""

    async def enqueue(
        self, mail: Mail, *, delay: float | None = None, session: AsyncSession | None = None
    ) -> str:
        """Queue ``mail`` (after ``session`` commits, when given); returns the job id."""
        ...


MAIL_QUEUE = Service(
    "mail_queue",
    MailQueue,  # type: ignore[type-abstract]  # a runtime-checkable protocol
    "mail queue",
    started_by="the jobs extension",
)
"""Where :meth:`Mail.queue` puts mail; the jobs extension provides it at startup."""

"""Outgoing mail: mail classes rendered from templates, messages, and the backends.

A :class:`Mail` subclass holds typed data and names its templates; ``await
mail.send(app)`` renders and sends it now, ``await mail.queue(app)`` leaves it to a job
(the jobs extension provides the queue, :data:`MAIL_QUEUE`). Underneath, a
:class:`Message` is what a backend sends: ``get_mailer(app)`` gives the backend chosen by
``mail.backend``: ``smtp`` (aiosmtplib, see :mod:`shipyard.mail.smtp`), ``console``
(prints), ``file`` (one ``.eml`` per message under ``mail.file_dir``), ``memory`` (keeps
an ``outbox`` list, for tests), ``failover`` (each of ``mail.failover`` in turn);
``custom`` means the app provides its own with ``MAILER.provide(app, mailer)``.

Owns rendering (:mod:`shipyard.mail.templates`) and delivery; not the job that sends
queued mail nor its delivery log (:mod:`shipyard.jobs.mail`, a layer up), nor the
previewer page (:mod:`shipyard.web.mail_preview`).
"""

from shipyard.mail.backends import (
    MAILER,
    ConsoleMailer,
    FailoverMailer,
    FileMailer,
    MemoryMailer,
    get_mailer,
)
from shipyard.mail.mailable import MAIL_CLASSES, MAIL_QUEUE, Mail, MailAttachment, send_mails
from shipyard.mail.message import Attachment, Mailer, Message, send_all
from shipyard.mail.smtp import MailDeliveryError, MailRefused, SmtpMailer
from shipyard.mail.templates import html_to_text

__all__ = [
    "MAILER",
    "MAIL_CLASSES",
    "MAIL_QUEUE",
    "Attachment",
    "ConsoleMailer",
    "FailoverMailer",
    "FileMailer",
    "Mail",
    "MailAttachment",
    "MailDeliveryError",
    "MailRefused",
    "Mailer",
    "MemoryMailer",
    "Message",
    "SmtpMailer",
    "get_mailer",
    "html_to_text",
    "send_all",
    "send_mails",
]

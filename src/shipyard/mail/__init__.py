"""Outgoing mail, minimal interface: a :class:`Message`, a :class:`Mailer`, three backends.

``get_mailer(app)`` gives the backend chosen by ``mail.backend``: ``console`` (prints),
``file`` (one ``.eml`` per message under ``mail.file_dir``) or ``memory`` (keeps an
``outbox`` list, for tests); ``custom`` means the app provides its own with
``MAILER.provide(app, mailer)``. Code that sends mail depends only on ``Message`` and
``await mailer.send(message)``, so a fuller mail system (SMTP, providers, templates)
plugs in behind the same two names. Mail templates and rendering are not owned here.
"""

from shipyard.mail.backends import MAILER, ConsoleMailer, FileMailer, MemoryMailer, get_mailer
from shipyard.mail.message import Mailer, Message

__all__ = [
    "MAILER",
    "ConsoleMailer",
    "FileMailer",
    "Mailer",
    "MemoryMailer",
    "Message",
    "get_mailer",
]

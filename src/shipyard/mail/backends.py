"""The built-in mail backends (console, file, memory, smtp, failover) and ``get_mailer(app)``.

The providers' API backends (ses, sendgrid, resend, postmark) live in
:mod:`shipyard.mail.providers`.

``mail.backend = "custom"`` names none of them: the app provides its own mailer with
``MAILER.provide(app, mailer)``, and sending without one is an error naming that fix.
"""

from __future__ import annotations

import asyncio
import sys
import uuid
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TextIO

from fastapi import Depends
from starlette.requests import HTTPConnection

from shipyard.config.models import MailSettings
from shipyard.core.services import Service
from shipyard.errors import ShipyardError
from shipyard.mail.message import Mailer, Message, send_all
from shipyard.mail.smtp import MailDeliveryError, SmtpMailer

if TYPE_CHECKING:
    from shipyard.core.app import AppBase


class ConsoleMailer:
    """Prints each message (as MIME text) to a stream, standard output by default."""

    def __init__(self, settings: MailSettings, stream: TextIO | None = None) -> None:
        self.settings = settings
        self.stream = stream

    async def send(self, message: Message) -> str | None:
        stream = self.stream or sys.stdout
        email = message.to_email(self.settings.from_address)
        stream.write(f"{'-' * 72}\n{email.as_string()}\n{'-' * 72}\n")
        stream.flush()
        return None


class FileMailer:
    """Writes each message as an ``.eml`` file in a folder (created when needed)."""

    def __init__(self, settings: MailSettings, directory: Path) -> None:
        self.settings = settings
        self.directory = directory

    async def send(self, message: Message) -> str | None:
        data = message.to_email(self.settings.from_address).as_bytes()
        await asyncio.to_thread(self._write, data)
        return None

    def _write(self, data: bytes) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        (self.directory / f"{uuid.uuid4().hex}.eml").write_bytes(data)


class MemoryMailer:
    """Keeps sent messages in ``outbox`` (a list): for tests and previews."""

    def __init__(self, settings: MailSettings) -> None:
        self.settings = settings
        self.outbox: list[Message] = []

    async def send(self, message: Message) -> str | None:
        message.to_email(self.settings.from_address)  # same header checks as real backends
        self.outbox.append(message)
        return None


class FailoverMailer:
    """Tries each mailer in turn until one accepts the message; fails if none does."""

    def __init__(self, mailers: Sequence[Mailer]) -> None:
        if not mailers:
            raise ValueError("a failover mailer needs at least one mailer")
        self.mailers = list(mailers)

    async def send(self, message: Message) -> str | None:
        """Send with the first mailer that accepts; its id for the message."""
        failures: list[str] = []
        for mailer in self.mailers:
            try:
                return await mailer.send(message)
            except Exception as error:  # any failure moves on to the next
                failures.append(f"{type(mailer).__name__}: {error}")
        raise self._failed(failures)

    async def send_many(self, messages: Iterable[Message]) -> None:
        """Send the batch with the first mailer that takes all of it (a batch that fails
        half-way is sent again whole by the next)."""
        batch = list(messages)
        failures: list[str] = []
        for mailer in self.mailers:
            try:
                await send_all(mailer, batch)
            except Exception as error:  # any failure moves on to the next
                failures.append(f"{type(mailer).__name__}: {error}")
                continue
            return
        raise self._failed(failures)

    @staticmethod
    def _failed(failures: list[str]) -> MailDeliveryError:
        return MailDeliveryError(
            "every mail backend of mail.failover failed: " + "; ".join(failures),
            hint="check the settings each error names",
        )


PROVIDER_MAILERS = {
    "ses": "SesMailer",
    "sendgrid": "SendgridMailer",
    "resend": "ResendMailer",
    "postmark": "PostmarkMailer",
}
"""The provider API backends by ``mail.backend`` name: classes of :mod:`shipyard.mail.providers`,
imported when one is chosen (httpx and boto3 stay out of apps that send over SMTP)."""


def _provider_mailer(settings: MailSettings) -> Mailer:
    from shipyard.mail import providers

    mailer: Mailer = getattr(providers, PROVIDER_MAILERS[settings.backend])(settings)
    return mailer


def _build(settings: MailSettings, root: Path) -> Mailer:
    if settings.backend == "failover":
        return FailoverMailer(
            [
                _build(settings.model_copy(update={"backend": name}), root)
                for name in settings.failover
            ]
        )
    if settings.backend == "smtp":
        return SmtpMailer(settings, root)
    if settings.backend == "file":
        directory = settings.file_dir
        return FileMailer(settings, directory if directory.is_absolute() else root / directory)
    if settings.backend == "memory":
        return MemoryMailer(settings)
    if settings.backend in PROVIDER_MAILERS:
        return _provider_mailer(settings)
    if settings.backend == "custom":
        raise ShipyardError(
            'mail.backend is "custom" but the app provided no mailer',
            hint="call MAILER.provide(app, mailer) (from shipyard.mail import MAILER) at start-up, "
            'or choose a built-in mail.backend ("smtp", "file", "console", "memory")',
        )
    return ConsoleMailer(settings)


class MailersBySettings(dict[MailSettings, Mailer]):
    """One app's mailers, one per ``mail`` settings snapshot (hot reload makes new ones)."""


MAILER = Service(
    "mailer",
    Mailer,  # type: ignore[type-abstract]  # a runtime-checkable protocol
    "mailer",
)
"""A mailer the app was given by hand (``MAILER.provide``); it wins over the settings."""

MAILERS = Service("mailers", MailersBySettings, "mailer cache")
"""The mailers built from the app's settings, made on first use."""


def get_mailer(app: AppBase) -> Mailer:
    """The app's mailer for its current ``mail`` settings (one instance per settings).

    A mailer provided by hand (``MAILER.provide(app, mailer)``) wins.
    """
    custom = MAILER.find(app)
    if custom is not None:
        return custom
    settings = app.settings.mail
    built = MAILERS.get_or_create(app, MailersBySettings)
    mailer = built.get(settings)
    if mailer is None:
        root = app.root
        mailer = built[settings] = _build(settings, root)
    return mailer


def _request_mailer(connection: HTTPConnection) -> Mailer:
    return get_mailer(connection.app)


MailerDep = Annotated[Mailer, Depends(_request_mailer)]
"""The mailer of the app serving the request, as a dependency."""

"""The SMTP mail backend (aiosmtplib): TLS or STARTTLS, login, one connection per batch.

``send_many`` sends a whole batch over one connection, ``send`` a batch of one; the
connection is then kept ``mail.smtp.keepalive`` seconds for the next send
(:mod:`shipyard.mail.smtp_pool`), so queued mail sent job after job reuses it. Every
failure becomes a :class:`MailDeliveryError` whose message names the setting to check
(``mail.smtp.host``, ``mail.smtp.password``...), never a bare socket or SMTP error.
"""

from __future__ import annotations

import logging
import ssl
from collections.abc import Iterable
from pathlib import Path

import aiosmtplib

from shipyard.config.sections.accounts import MailSettings, SmtpSettings
from shipyard.errors import ShipyardError
from shipyard.mail.message import Message
from shipyard.mail.smtp_pool import IdleConnections

logger = logging.getLogger("shipyard.mail")


class MailDeliveryError(ShipyardError):
    """A backend could not hand a message over; the message names the setting to check."""


class MailRefused(MailDeliveryError):
    """The server refused the message for good: sending it again would fail the same way.

    A queued mail that gets it is not retried (it goes to the dead letters at once).
    """


REFUSED_FOR_GOOD = frozenset({501, 550, 551, 552, 553, 554})
"""Replies that refuse a recipient or the message itself for good (RFC 5321): no such
mailbox, bad address, too big, rejected content. Others (530 needs STARTTLS, 4xx busy)
are about the connection or the moment, and a retry may succeed."""


def _permanent(error: aiosmtplib.SMTPException) -> bool:
    """True when every recipient, or the message's content, was refused for good."""
    if isinstance(error, aiosmtplib.SMTPRecipientsRefused):
        codes = [refusal.code for refusal in error.recipients]
        return bool(codes) and all(code in REFUSED_FOR_GOOD for code in codes)
    return isinstance(error, aiosmtplib.SMTPDataError) and error.code in REFUSED_FOR_GOOD


def tls_context(settings: SmtpSettings, root: Path) -> ssl.SSLContext:
    """The TLS context that checks the server's certificate (against ``ca_file`` if set)."""
    ca_file = settings.ca_file
    if ca_file is None:
        return ssl.create_default_context()
    path = ca_file if ca_file.is_absolute() else root / ca_file
    try:
        return ssl.create_default_context(cafile=str(path))
    except (OSError, ssl.SSLError) as error:
        raise MailDeliveryError(
            f"mail.smtp.ca_file {path} cannot be read as a PEM CA bundle: {error}",
            hint="point mail.smtp.ca_file at the PEM file of the CA that signed the "
            "server's certificate, or remove it to trust the system's CAs",
        ) from error


class SmtpMailer:
    """Sends through the SMTP server of ``mail.smtp``."""

    def __init__(self, settings: MailSettings, root: Path) -> None:
        self.settings = settings
        self.root = root
        self.connections_opened = 0
        """How many SMTP connections this mailer opened (batches share one)."""
        smtp = settings.smtp
        self.idle = IdleConnections(smtp.pool_size, smtp.keepalive)

    def _where(self) -> str:
        smtp = self.settings.smtp
        return f"{smtp.host}:{smtp.effective_port} (mail.smtp.host, mail.smtp.port)"

    def _client(self) -> aiosmtplib.SMTP:
        smtp = self.settings.smtp
        if not smtp.host:
            raise MailDeliveryError(
                "mail.smtp.host is not set, so there is no SMTP server to send to",
                hint='set [mail.smtp] host = "smtp.example.com" (or SHIPYARD_MAIL__SMTP__HOST)',
            )
        context = tls_context(smtp, self.root) if smtp.security != "none" else None
        return aiosmtplib.SMTP(
            hostname=smtp.host,
            port=smtp.effective_port,
            timeout=smtp.timeout,
            use_tls=smtp.security == "tls",
            start_tls=smtp.security == "starttls",
            tls_context=context,
        )

    async def send(self, message: Message) -> str | None:
        """Send one message (SMTP gives no id of its own)."""
        await self.send_many([message])
        return None

    async def send_many(self, messages: Iterable[Message]) -> None:
        """Send every message over one connection: an idle one kept from an earlier send
        (``mail.smtp.keepalive``) or a new one; kept afterwards if all went well."""
        emails = [(message, message.to_email(self.settings.from_address)) for message in messages]
        if not emails:
            return
        client = await self.idle.take()
        if client is None:
            client = self._client()
            await self._connect(client)
            try:
                await self._login(client)
            except BaseException:
                client.close()
                raise
        healthy = False
        try:
            for message, email in emails:
                try:
                    refused, _ = await client.send_message(email, recipients=list(message.envelope))
                except aiosmtplib.SMTPException as error:
                    kind = MailRefused if _permanent(error) else MailDeliveryError
                    raise kind(
                        f"the SMTP server {self._where()} refused the message "
                        f"{message.subject!r}: {error}",
                        hint="check the recipients and mail.from_address (the server may "
                        "not let this login send as that address)",
                    ) from error
                if refused:  # some recipients refused, the others accepted: not an error
                    listed = (f"{address} ({reply.message})" for address, reply in refused.items())
                    logger.warning(
                        "SMTP server %s refused recipients of %r: %s",
                        self._where(),
                        message.subject,
                        ", ".join(listed),
                    )
            healthy = True
        finally:
            if not (healthy and self.idle.give_back(client)):
                try:
                    await client.quit()
                except (aiosmtplib.SMTPException, OSError):
                    client.close()

    async def _connect(self, client: aiosmtplib.SMTP) -> None:
        security = self.settings.smtp.security
        try:
            await client.connect()
        except aiosmtplib.SMTPConnectTimeoutError as error:
            raise MailDeliveryError(
                f"the SMTP server {self._where()} did not answer within "
                f"{self.settings.smtp.timeout} s (mail.smtp.timeout)",
                hint="check mail.smtp.host and mail.smtp.port (a firewall may drop the port)",
            ) from error
        except aiosmtplib.SMTPConnectError as error:
            raise MailDeliveryError(
                f"cannot connect to the SMTP server {self._where()}: {error}",
                hint="check mail.smtp.host and mail.smtp.port, and that the server runs",
            ) from error
        except (aiosmtplib.SMTPException, ssl.SSLError, OSError) as error:
            raise MailDeliveryError(
                f"TLS with the SMTP server {self._where()} failed "
                f"(mail.smtp.security = {security!r}): {error}",
                hint='use security = "tls" for port 465 and "starttls" for 587; for a '
                "certificate signed by a private CA set mail.smtp.ca_file",
            ) from error
        self.connections_opened += 1

    async def _login(self, client: aiosmtplib.SMTP) -> None:
        smtp = self.settings.smtp
        if smtp.username is None or smtp.password is None:
            return
        try:
            await client.login(smtp.username, smtp.password.get_secret_value())
        except aiosmtplib.SMTPException as error:
            raise MailDeliveryError(
                f"the SMTP server {self._where()} refused the login of {smtp.username!r}: {error}",
                hint="check mail.smtp.username and mail.smtp.password (and, for a login over "
                'a plain connection, mail.smtp.security = "starttls")',
            ) from error

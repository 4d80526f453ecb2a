"""A real SMTP server for the tests: aiosmtpd in a thread, plain, STARTTLS or TLS, with AUTH.

The certificate comes from a throw-away CA made by trustme for the test run; the client
trusts it through ``mail.smtp.ca_file``, as an app would trust a private CA.
"""

from __future__ import annotations

import socket
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP as SMTPServer
from aiosmtpd.smtp import AuthResult, Envelope, LoginPassword, Session

USERNAME = "mailer"
PASSWORD = "correct horse battery"


@dataclass
class Received:
    """What the server was given: envelopes, and the connections it accepted."""

    envelopes: list[Envelope] = field(default_factory=list)
    connections: int = 0
    logins: list[str] = field(default_factory=list)


class Handler:
    """Keeps every envelope; refuses recipients whose address starts with "refused"."""

    def __init__(self, received: Received) -> None:
        self.received = received

    async def handle_RCPT(
        self,
        server: SMTPServer,
        session: Session,
        envelope: Envelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        if address.startswith("refused"):
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTPServer, session: Session, envelope: Envelope) -> str:
        self.received.envelopes.append(envelope)
        return "250 Message accepted for delivery"


class CountingController(Controller):
    """A controller whose server counts the connections it gets."""

    def __init__(self, handler: Handler, **kwargs: Any) -> None:
        super().__init__(handler, **kwargs)
        self.received = handler.received

    def factory(self) -> SMTPServer:
        server: SMTPServer = super().factory()  # type: ignore[no-untyped-call]
        received = self.received
        original = server.connection_made

        def connection_made(transport: Any) -> None:
            received.connections += 1
            original(transport)

        server.connection_made = connection_made  # type: ignore[method-assign]
        return server


def authenticator(
    server: SMTPServer, session: Session, envelope: Envelope, mechanism: str, auth_data: Any
) -> AuthResult:
    if (
        isinstance(auth_data, LoginPassword)
        and auth_data.login == USERNAME.encode()
        and auth_data.password == PASSWORD.encode()
    ):
        return AuthResult(success=True)
    return AuthResult(success=False, handled=False)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Server:
    """A running test server and what the client needs to reach it."""

    port: int
    received: Received
    ca_file: Path | None


@contextmanager
def smtp_server(tmp_path: Path, *, security: str = "none", auth: bool = False) -> Iterator[Server]:
    """Run an aiosmtpd server: ``security`` is none, starttls or tls."""
    received = Received()
    kwargs: dict[str, Any] = {"hostname": "127.0.0.1", "port": free_port()}
    ca_file: Path | None = None
    if security != "none":
        ca = trustme.CA()
        cert = ca.issue_cert("127.0.0.1", "localhost")
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        cert.configure_cert(context)
        ca_file = tmp_path / "ca.pem"
        ca.cert_pem.write_to_path(str(ca_file))
        if security == "tls":
            kwargs["ssl_context"] = context
        else:
            kwargs["tls_context"] = context
            kwargs["require_starttls"] = True
    if auth:
        kwargs["authenticator"] = authenticator
        kwargs["auth_require_tls"] = security != "none"
    controller = CountingController(Handler(received), **kwargs)
    controller.start()
    received.connections = 0  # start() opened one to check the server answers
    try:
        yield Server(controller.port, received, ca_file)
    finally:
        controller.stop()

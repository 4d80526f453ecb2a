"""``shipyard mail send-test`` against a real SMTP server, and its errors."""

from __future__ import annotations

import sys
import uuid
from collections.abc import Iterator
from email import message_from_bytes
from pathlib import Path

import pytest
from typer.testing import CliRunner

from shipyard.cli.main import cli

from .smtp_server import PASSWORD, USERNAME, Server, smtp_server

APP_SOURCE = """
from pathlib import Path

from shipyard import App

app = App(root=Path(__file__).parent)
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A user app module in tmp_path (settings from the environment); its spec."""
    module = f"mailapp_{uuid.uuid4().hex[:8]}"
    (tmp_path / f"{module}.py").write_text(APP_SOURCE)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", [str(tmp_path), *sys.path])
    monkeypatch.setenv("SHIPYARD_APP__NAME", "Fleet")
    yield f"{module}:app"
    sys.modules.pop(module, None)


def send_test(project: str, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["mail", "send-test", *args, "--app", project])
    return result.exit_code, result.output


def use_smtp(monkeypatch: pytest.MonkeyPatch, port: int, **smtp: str) -> None:
    monkeypatch.setenv("SHIPYARD_MAIL__BACKEND", "smtp")
    monkeypatch.setenv("SHIPYARD_MAIL__SMTP__HOST", "127.0.0.1")
    monkeypatch.setenv("SHIPYARD_MAIL__SMTP__PORT", str(port))
    monkeypatch.setenv("SHIPYARD_MAIL__SMTP__TIMEOUT", "10")
    for key, value in smtp.items():
        monkeypatch.setenv(f"SHIPYARD_MAIL__SMTP__{key.upper()}", value)


@pytest.fixture
def login_server(tmp_path: Path) -> Iterator[Server]:
    """A STARTTLS server that asks for a login (its CA is in ``ca_file``)."""
    with smtp_server(tmp_path, security="starttls", auth=True) as server:
        assert server.ca_file is not None
        yield server


def use_login_server(monkeypatch: pytest.MonkeyPatch, server: Server, password: str) -> None:
    """Point the app's SMTP settings at ``login_server``, logging in with ``password``."""
    use_smtp(
        monkeypatch,
        server.port,
        security="starttls",
        username=USERNAME,
        password=password,
        ca_file=str(server.ca_file),
    )


def test_send_test_delivers_through_starttls_with_login(
    project: str, login_server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_login_server(monkeypatch, login_server, PASSWORD)
    code, output = send_test(project, "you@example.com")
    assert code == 0, output
    assert f"through the smtp (127.0.0.1:{login_server.port}) backend" in output
    [envelope] = login_server.received.envelopes
    assert envelope.rcpt_tos == ["you@example.com"]
    assert isinstance(envelope.content, bytes)
    assert message_from_bytes(envelope.content)["Subject"] == "Test mail from Fleet"


def test_a_wrong_password_fails_with_the_setting_named(
    project: str, login_server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_login_server(monkeypatch, login_server, "wrong")
    code, output = send_test(project, "you@example.com")
    assert code == 1
    assert "error:" in output
    assert "mail.smtp.password" in output
    assert "Traceback" not in output
    assert login_server.received.envelopes == []


def test_nothing_listening_fails_naming_host_and_port(
    project: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with smtp_server(tmp_path) as server:
        port = server.port
    use_smtp(monkeypatch, port, security="none")
    code, output = send_test(project, "you@example.com")
    assert code == 1
    assert f"127.0.0.1:{port} (mail.smtp.host, mail.smtp.port)" in output


def test_an_smtp_backend_without_host_fails_naming_the_key(
    project: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SHIPYARD_MAIL__BACKEND", "smtp")
    code, output = send_test(project, "you@example.com")
    assert code == 1
    assert "mail.smtp.host" in output
    assert "Traceback" not in output


@pytest.mark.parametrize("address", ["not-an-address", "a@example.com\nBcc: b@example.com"])
def test_a_bad_address_is_refused(project: str, address: str) -> None:
    code, output = send_test(project, address)
    assert code == 1
    assert "is not one email address" in output


def test_a_backend_that_does_not_deliver_says_so(
    project: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SHIPYARD_MAIL__BACKEND", "console")
    code, output = send_test(project, "you@example.com")
    assert code == 0, output
    assert "Subject: Test mail from Fleet" in output  # printed by the console backend
    assert "nothing was delivered" in output


def test_the_suppression_list_can_be_listed_and_edited(project: str) -> None:
    import asyncio

    from shipyard.core.discovery import load_app
    from shipyard.db.extension import get_database
    from shipyard.jobs.mail.suppressions import suppress
    from shipyard.testing.schema import create_schema

    app = load_app(project)

    async def make_schema(address: str | None) -> None:
        async with app.router.lifespan_context(app):
            database = get_database(app)
            await create_schema(database)
            if address is not None:
                async with database.sessionmaker() as session:
                    await suppress(session, address, "bounced", source="ses")
                    await session.commit()

    runner = CliRunner()
    asyncio.run(make_schema(None))
    empty = runner.invoke(cli, ["mail", "suppressed", "--app", project])
    assert empty.exit_code == 0, empty.output
    assert "no address is suppressed" in empty.output
    asyncio.run(make_schema("Ann <ann@example.com>"))
    listed = runner.invoke(cli, ["mail", "suppressed", "--app", project])
    assert listed.exit_code == 0, listed.output
    assert "ann@example.com" in listed.output
    assert "bounced" in listed.output
    removed = runner.invoke(cli, ["mail", "unsuppress", "ANN@example.com", "--app", project])
    assert removed.exit_code == 0, removed.output
    assert "no longer suppressed" in removed.output
    again = runner.invoke(cli, ["mail", "unsuppress", "ann@example.com", "--app", project])
    assert again.exit_code == 1
    assert "not on the suppression list" in again.output

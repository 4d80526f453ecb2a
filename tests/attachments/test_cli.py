"""``shipyard storage orphans``: lists what nothing references, deletes it unless --dry-run."""

from __future__ import annotations

import asyncio
import sys
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from shipyard.attachments.tables import attachments_table, blobs_table
from shipyard.cli.main import cli
from shipyard.core.clock import utc_now
from shipyard.db.model import framework_metadata
from shipyard.storage import LocalStorage, UrlSigner

APP_SOURCE = """
from pathlib import Path

from shipyard import App, Settings
from shipyard.config.models import DatabaseSettings

ROOT = Path(__file__).parent
app = App(
    Settings(profile="test", database=DatabaseSettings(url=f"sqlite+aiosqlite:///{ROOT}/app.db")),
    root=ROOT,
)
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    module = f"storageapp_{uuid.uuid4().hex[:8]}"
    (tmp_path / f"{module}.py").write_text(APP_SOURCE)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", [str(tmp_path), *sys.path])
    for name in list(__import__("os").environ):
        if name.startswith("SHIPYARD_"):
            monkeypatch.delenv(name)
    yield f"{module}:app"
    sys.modules.pop(module, None)


def test_orphans_dry_run_then_delete(project: str, tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path / "var" / "storage", signer=UrlSigner("x" * 40))
    stray = asyncio.run(storage.put(b"nobody's"))
    blob = asyncio.run(storage.put(b"a row, no record"))
    engine = sa.create_engine(f"sqlite:///{tmp_path}/app.db")
    with engine.begin() as connection:
        framework_metadata.create_all(connection, tables=[blobs_table, attachments_table])
        connection.execute(
            sa.insert(blobs_table).values(
                key=blob.key,
                filename="lost <b>.pdf",
                content_type="application/pdf",
                byte_size=blob.size,
                checksum=blob.checksum,
                metadata={},
                backend="local",
                created_at=utc_now() - timedelta(days=2),
            )
        )
    engine.dispose()
    runner = CliRunner()

    young = runner.invoke(cli, ["storage", "orphans", "--dry-run", "--app", project])
    assert young.exit_code == 0, young.output
    assert f"blob {blob.key}  lost <b>.pdf" in young.output
    assert stray.key not in young.output  # stored a moment ago: within the grace period
    assert "1 orphan(s) found; nothing deleted (--dry-run)" in young.output

    args = ["storage", "orphans", "--grace-hours", "0", "--app", project]
    dry = runner.invoke(cli, [*args, "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert f"object {stray.key}  (no blob row)" in dry.output
    assert "2 orphan(s) found; nothing deleted" in dry.output
    assert asyncio.run(storage.exists(stray.key))

    done = runner.invoke(cli, args)
    assert done.exit_code == 0, done.output
    assert "2 orphan(s) found, 2 deleted" in done.output
    assert not asyncio.run(storage.exists(stray.key))
    assert not asyncio.run(storage.exists(blob.key))


def test_the_help_explains_orphans() -> None:
    result = CliRunner().invoke(cli, ["storage", "orphans", "--help"])
    assert result.exit_code == 0
    assert "--dry-run" in result.output
    assert "no record references" in result.output


def test_without_the_tables_it_names_the_fix(project: str) -> None:
    result = CliRunner().invoke(cli, ["storage", "orphans", "--app", project])
    assert result.exit_code == 1
    assert "shipyard db upgrade" in result.output

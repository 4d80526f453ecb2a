"""ClamAV for real: EICAR and a custom signature are refused and logged; the policy
decides what happens when the scanner cannot be reached."""

from __future__ import annotations

import hashlib
import logging
import tempfile

import pytest
from tests.uploads.conftest import EICAR, MARKER, MakeClient, png

from shipyard import Settings
from shipyard.config.sections.uploads import UploadSettings
from shipyard.uploads import Clamd, ScannerUnavailable
from shipyard.uploads.scan import scanner_down_policy

UNREACHABLE = "unix:/nonexistent/clamd.sock"


async def test_eicar_is_refused_and_logged(
    make_client: MakeClient, clamd_address: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, "shipyard.uploads")
    async with make_client(clamd=clamd_address) as client:
        response = await client.post("/upload", files={"f": ("readme.txt", EICAR, "text/plain")})
    assert response.status_code == 422
    assert (
        "readme.txt was refused: the virus scan found Eicar-Test-Signature"
        in (response.json()["detail"])
    )
    [record] = [r for r in caplog.records if "ClamAV found" in r.getMessage()]
    assert hashlib.sha256(EICAR).hexdigest() in record.getMessage()


async def test_a_custom_signature_deep_in_a_file_is_found(
    make_client: MakeClient, clamd_address: str
) -> None:
    content = b"a" * 300_000 + MARKER + b"b" * 1000
    async with make_client(clamd=clamd_address, scan_chunk_size=4096) as client:
        response = await client.post("/upload", files={"f": ("notes.txt", content)})
    assert response.status_code == 422
    assert "Shipyard.Test.Marker-1" in response.json()["detail"]


async def test_a_clean_file_is_marked_scanned(make_client: MakeClient, clamd_address: str) -> None:
    async with make_client(clamd=clamd_address) as client:
        response = await client.post("/upload", files={"f": ("boat.png", png())})
    assert response.status_code == 200
    assert response.json()["files"][0]["scanned"] is True


async def test_the_client_streams_a_file_in_chunks(clamd_address: str) -> None:
    scanner = Clamd(clamd_address, chunk_size=1024)
    with tempfile.TemporaryFile() as file:
        file.write(b"\x00" * 2_000_000 + MARKER)
        file.seek(123)
        assert (await scanner.scan(file)).signature == "Shipyard.Test.Marker-1.UNOFFICIAL"
        assert file.tell() == 0
        file.truncate(2_000_000)
        assert (await scanner.scan(file)).clean
    await scanner.ping()


async def test_an_unreachable_scanner_fails_closed_when_told_to(make_client: MakeClient) -> None:
    async with make_client(clamd=UNREACHABLE, when_scanner_down="fail_closed") as client:
        response = await client.post("/upload", files={"f": ("boat.png", png())})
    assert response.status_code == 503
    assert "cannot be checked for viruses" in response.json()["detail"]


async def test_an_unreachable_scanner_is_let_through_in_development(
    make_client: MakeClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, "shipyard.uploads")
    async with make_client(clamd=UNREACHABLE) as client:
        response = await client.post("/upload", files={"f": ("boat.png", png())})
    assert response.status_code == 200
    assert response.json()["files"][0]["scanned"] is False
    assert any("not scanned" in record.getMessage() for record in caplog.records)


async def test_a_server_that_is_not_clamd_is_unavailable() -> None:
    with pytest.raises(ScannerUnavailable):
        await Clamd("tcp://127.0.0.1:9", timeout=2).ping()


def test_the_policy_defaults_to_fail_closed_in_production_only() -> None:
    assert scanner_down_policy(Settings(profile="production")) == "fail_closed"
    assert scanner_down_policy(Settings(profile="development")) == "allow"
    chosen = Settings(profile="production", uploads=UploadSettings(when_scanner_down="allow"))
    assert scanner_down_policy(chosen) == "allow"

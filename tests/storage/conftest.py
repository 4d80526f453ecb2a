"""Fixtures for the storage tests: a moto server (S3) and Azurite (Azure Blob Storage).

Both are real servers, started once per test session on free ports: moto from the
``moto[server]`` dev dependency, Azurite from ``tests/storage/azurite`` (``npm ci`` there
installs the pinned version). Without them the tests that need them skip, or fail under
``SHIPYARD_REQUIRE_SERVICES``.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.moto_server import running_moto

from shipyard.testing.services import free_port, running_server, unavailable

AZURITE = Path(__file__).resolve().parent / "azurite"
AZURITE_ACCOUNT = "devstoreaccount1"
# Azurite's well-known development key (public, in Microsoft's documentation).
AZURITE_KEY = (
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
)


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    """The URL of a real moto server (S3 emulator) for the session."""
    with running_moto() as endpoint:
        yield endpoint


@pytest.fixture(scope="session")
def azurite_connection_string(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A connection string to a real Azurite blob service for the session."""
    command = AZURITE / "node_modules" / ".bin" / "azurite-blob"
    if not command.exists() or shutil.which("node") is None:
        unavailable("Azurite is not installed: run `npm ci --prefix tests/storage/azurite`")
    port = free_port()
    home = tmp_path_factory.mktemp("azurite")
    arguments = [
        str(command),
        "--blobHost",
        "127.0.0.1",
        "--blobPort",
        str(port),
        "--skipApiVersionCheck",
        "--loose",
        "--inMemoryPersistence",
        "--silent",
    ]
    endpoint = f"http://127.0.0.1:{port}/{AZURITE_ACCOUNT}"
    with running_server(arguments, probe=f"{endpoint}?comp=list", log=home / "azurite.log"):
        yield (
            f"DefaultEndpointsProtocol=http;AccountName={AZURITE_ACCOUNT};"
            f"AccountKey={AZURITE_KEY};BlobEndpoint={endpoint};"
        )

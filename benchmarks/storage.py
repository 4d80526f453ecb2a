"""Storage: put and get throughput of each backend (local disk, moto's S3, Azurite's Azure).

Usage (from the repository root; Azurite needs ``npm ci --prefix tests/storage/azurite``)::

    python -m benchmarks.storage                     # 8 MiB and 64 MiB, 3 runs each
    python -m benchmarks.storage --sizes 1MB,256MB --runs 5

For each backend this process ``put``\\ s a file of random bytes (from a temporary file,
as an upload would be: hashed, then sent in one request up to 16 MiB, in 8 MiB parts
above) and reads it back with ``stream``. **Throughput** is the size over the wall time
of one call (MB = 10^6 bytes), the best of the runs. moto and Azurite are emulators on
this machine: their figures measure our client path and the emulator, not AWS or Azure.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path

if not __package__:  # run as `python benchmarks/storage.py`: make the package importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import boto3
from tests.moto_server import running_moto

from shipyard.storage import LocalStorage, Storage, UrlSigner
from shipyard.testing.services import free_port, running_server
from shipyard.uploads import parse_size

AZURITE = Path(__file__).resolve().parent.parent / "tests" / "storage" / "azurite"
AZURITE_KEY = (
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
)


@asynccontextmanager
async def local(folder: Path) -> AsyncIterator[Storage]:
    yield LocalStorage(folder / "local", signer=UrlSigner("benchmark-secret-" * 3))


@asynccontextmanager
async def s3() -> AsyncIterator[Storage]:
    from shipyard.storage.s3 import S3Storage

    with running_moto() as endpoint:
        bucket = f"bench-{uuid.uuid4().hex[:8]}"
        client = boto3.client(
            "s3",
            endpoint_url=endpoint,
            region_name="us-east-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        client.create_bucket(Bucket=bucket)
        storage = S3Storage(
            bucket,
            endpoint_url=endpoint,
            region="us-east-1",
            addressing_style="path",
            access_key_id="testing",
            secret_access_key="testing",  # moto's fixed test credentials
        )
        try:
            yield storage
        finally:
            await storage.close()


@asynccontextmanager
async def azure(folder: Path) -> AsyncIterator[Storage]:
    from azure.storage.blob.aio import BlobServiceClient

    from shipyard.storage.azure import AzureStorage

    port = free_port()
    endpoint = f"http://127.0.0.1:{port}/devstoreaccount1"
    command = [str(AZURITE / "node_modules" / ".bin" / "azurite-blob"), "--blobPort", str(port)]
    command += ["--inMemoryPersistence", "--silent", "--skipApiVersionCheck", "--loose"]
    connection = (
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;"
        f"AccountKey={AZURITE_KEY};BlobEndpoint={endpoint};"
    )
    with running_server(command, probe=f"{endpoint}?comp=list", log=folder / "azurite.log"):
        async with BlobServiceClient.from_connection_string(connection) as service:
            await service.create_container("bench")
        storage = AzureStorage(connection, "bench")
        try:
            yield storage
        finally:
            await storage.close()


async def measure(storage: Storage, data_file: Path, size: int, runs: int) -> tuple[float, float]:
    """The best put and get throughput in MB/s over ``runs``."""
    best_put = best_get = 0.0
    for _ in range(runs):
        with data_file.open("rb") as file:
            started = time.perf_counter()
            stored = await storage.put(file)
            best_put = max(best_put, size / (time.perf_counter() - started) / 1e6)
        started = time.perf_counter()
        received = 0
        async for chunk in storage.stream(stored.key):
            received += len(chunk)
        best_get = max(best_get, size / (time.perf_counter() - started) / 1e6)
        assert received == size
        await storage.delete(stored.key)
    return best_put, best_get


async def run(sizes: list[int], runs: int) -> None:
    folder = Path(tempfile.mkdtemp(prefix="shipyard-bench-storage-"))
    try:
        files = {}
        for size in sizes:
            path = folder / f"data-{size}"
            with path.open("wb") as out:
                for start in range(0, size, 1024 * 1024):
                    out.write(os.urandom(min(1024 * 1024, size - start)))
            files[size] = path
        print(f"{'backend':8} {'size':>10} {'put MB/s':>10} {'get MB/s':>10}")
        for name in ("local", "s3", "azure"):
            async with AsyncExitStack() as stack:
                if name == "local":
                    storage = await stack.enter_async_context(local(folder))
                elif name == "s3":
                    storage = await stack.enter_async_context(s3())
                else:
                    storage = await stack.enter_async_context(azure(folder))
                for size in sizes:
                    put, get = await measure(storage, files[size], size, runs)
                    print(f"{name:8} {size / 2**20:>7.0f} MiB {put:>10.1f} {get:>10.1f}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--sizes", default="8MB,64MB", help="comma-separated sizes")
    parser.add_argument("--runs", type=int, default=3, help="runs per size (best one shown)")
    options = parser.parse_args(argv)
    sizes = [parse_size(size) for size in options.sizes.split(",")]
    asyncio.run(run(sizes, options.runs))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The traced benchmark apps really trace: their spans reach the in-process OTLP sink.

Run in a subprocess: a tracer provider, once installed, stays for the life of a process.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = """
import asyncio, sys
import httpx
from benchmarks import apps
from benchmarks.otlp_sink import _Sink

async def main() -> None:
    app = getattr(apps, sys.argv[1])()
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            for _ in range(200):  # at 10% sampling, none sampled: p = 0.9**200
                assert (await client.get(apps.PATH)).status_code == 200
    print(_Sink.received)  # the shutdown flushed the batch

asyncio.run(main())
"""


@pytest.mark.parametrize("factory", ["shipyard_traced_app", "shipyard_traced_10_app"])
def test_spans_reach_the_sink(factory: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, factory],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    batches = int(done.stdout.strip().splitlines()[-1])
    assert batches >= 1

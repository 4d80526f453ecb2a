"""FastAPI's operation spans (dependencies, endpoint, serialisation) only when asked.

Run in a subprocess: a tracer provider, once installed, stays for the life of a process.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = """
import asyncio, json, sys, tempfile
import httpx
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from shipyard import App, Settings

exporter = InMemorySpanExporter()
provider = TracerProvider()
provider.add_span_processor(SimpleSpanProcessor(exporter))
trace.set_tracer_provider(provider)
settings = Settings.model_validate({
    "database": {"url": "sqlite+aiosqlite:///:memory:"},
    "tracing": {"enabled": "on", "operation_spans": sys.argv[1] == "on"},
})
app = App(settings=settings, root=tempfile.mkdtemp())

@app.get("/answer")
async def answer() -> dict[str, int]:
    return {"answer": 42}

async def main() -> None:
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as client:
            assert (await client.get("/answer")).json() == {"answer": 42}
    print(json.dumps([span.name for span in exporter.get_finished_spans()]))

asyncio.run(main())
"""


def span_names(operation_spans: str) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, operation_spans],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    names: list[str] = json.loads(done.stdout.strip().splitlines()[-1])
    return names


@pytest.mark.parametrize("operation_spans", ["off", "on"])
def test_the_request_span_always_and_operation_spans_when_asked(operation_spans: str) -> None:
    names = span_names(operation_spans)
    assert "GET /answer" in names, names
    if operation_spans == "off":
        assert names == ["GET /answer"]
    else:
        assert {"fastapi.dependencies", "fastapi.endpoint", "fastapi.serialization"} <= set(names)

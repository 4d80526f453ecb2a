"""OpenTelemetry tracing end to end: a real server exports OTLP/HTTP to a receiver here.

The receiver decodes the protobuf the SDK's exporter sends (the OTLP wire format), so
what is checked is what a collector would get: one trace from the upstream
``traceparent`` through the request, its SQL statement, an outgoing httpx call, a Redis
command, a template, and the job it enqueued, which the embedded worker runs outside the
request.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

from shipyard.config.models import Settings
from shipyard.observability.tracing import tracing_wanted
from shipyard.testing.services import free_port

TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
UPSTREAM_SPAN = "00f067aa0ba902b7"


class Receiver(ThreadingHTTPServer):
    """An OTLP/HTTP trace receiver keeping every span it is sent."""

    spans: list[dict[str, Any]]


class _Handler(BaseHTTPRequestHandler):
    server: Receiver

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        request = ExportTraceServiceRequest()
        request.ParseFromString(body)
        for resource in request.resource_spans:
            service = {a.key: a.value.string_value for a in resource.resource.attributes}
            for scope in resource.scope_spans:
                for span in scope.spans:
                    self.server.spans.append(
                        {
                            "name": span.name,
                            "trace_id": span.trace_id.hex(),
                            "span_id": span.span_id.hex(),
                            "parent": span.parent_span_id.hex(),
                            "attributes": {a.key: a.value for a in span.attributes},
                            "resource": service,
                        }
                    )
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.end_headers()

    def log_message(self, *_args: Any) -> None:
        """Quiet."""


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver(("127.0.0.1", free_port()), _Handler)
    server.spans = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()


def _wait_for(receiver: Receiver, key: str, value: str, timeout: float = 30) -> dict[str, Any]:
    """The first span whose ``key`` is ``value``, once the receiver has it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = [span for span in receiver.spans if span[key] == value]
        if found:
            return found[0]
        time.sleep(0.1)
    names = sorted({span["name"] for span in receiver.spans})
    pytest.fail(f"no span with {key} {value!r} reached the receiver (got {names})")


def test_one_trace_from_the_upstream_proxy_to_the_job(receiver: Receiver, tmp_path: Path) -> None:
    port = free_port()
    env = {
        **os.environ,
        "TRACED_APP_DIR": str(tmp_path),
        "OTEL_EXPORTER_OTLP_ENDPOINT": f"http://127.0.0.1:{receiver.server_port}",
        "OTEL_BSP_SCHEDULE_DELAY": "100",
    }
    command = [sys.executable, "-m", "uvicorn", "--factory", "--port", str(port)]
    server = subprocess.Popen(
        [*command, "tests.observability.traced_app:build"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(f"{base}/up", timeout=1)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or server.poll() is not None:
                    pytest.fail("the traced app did not start")
                time.sleep(0.1)
        traceparent = f"00-{TRACE_ID}-{UPSTREAM_SPAN}-01"
        answer = httpx.post(f"{base}/ships", headers={"traceparent": traceparent}, timeout=10)
        assert answer.json() == {"count": 42, "page": "<p>42 ships</p>", "probe": 200}
        job = _wait_for(receiver, "name", "job tests.observability.traced_app.Traced")
        request = _wait_for(receiver, "parent", UPSTREAM_SPAN)
    finally:
        server.terminate()
        output = server.communicate(timeout=15)[0].decode()
    logged = [line for line in output.splitlines() if "traced job ran" in line]
    assert logged, output
    assert f'"trace_id": "{TRACE_ID}"' in logged[0] or f"trace_id={TRACE_ID}" in logged[0]
    assert request["trace_id"] == TRACE_ID, "the upstream trace was continued"
    assert request["resource"]["service.name"] == "traced"
    in_trace = [span for span in receiver.spans if span["trace_id"] == TRACE_ID]
    statement = next(s for s in in_trace if s["attributes"].get("db.system.name"))
    assert "41 + 1" in statement["attributes"]["db.query.text"].string_value
    names = {span["name"] for span in in_trace}
    assert {"GET", "PING", "render launched.html"} <= names, names
    assert job["trace_id"] == TRACE_ID, "the job continued the request's trace"
    ids = {span["span_id"] for span in in_trace}
    assert job["parent"] in ids, "the job's parent is a span of the request"


@pytest.mark.parametrize(
    ("enabled", "environment", "wanted"),
    [
        ("auto", {}, False),
        ("auto", {"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318"}, True),
        ("auto", {"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://collector:4318"}, True),
        ("off", {"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318"}, False),
        ("on", {}, True),
    ],
)
def test_tracing_is_wanted_when_an_endpoint_is_set_or_it_is_on(
    monkeypatch: pytest.MonkeyPatch, enabled: str, environment: dict[str, str], wanted: bool
) -> None:
    for name in ("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    settings = Settings.model_validate({"tracing": {"enabled": enabled}})
    assert tracing_wanted(settings) is wanted

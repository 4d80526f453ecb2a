"""A throw-away OTLP/HTTP receiver for the traced benchmark apps: it accepts and drops spans.

It runs on a daemon thread of the server process itself (the traced factories start it),
so the exporter has somewhere to send its batches without a collector; what it costs the
process is reading each batch off the socket, far less than making the spans.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class _Sink(BaseHTTPRequestHandler):
    received = 0

    def do_POST(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        self.rfile.read(length)
        type(self).received += 1
        self.send_response(200)
        self.send_header("content-type", "application/x-protobuf")
        self.send_header("content-length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        return


def start_sink() -> str:
    """Start the receiver on a free loopback port; its base URL (an OTLP endpoint)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Sink)
    threading.Thread(target=server.serve_forever, name="otlp sink", daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}"

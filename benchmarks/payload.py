"""What every ``GET /json`` benchmark app answers, importable without Shipyard (the peer
environment of :mod:`benchmarks.instrumentator_apps` does not have it)."""

from __future__ import annotations

from typing import Any

PAYLOAD: dict[str, Any] = {"message": "hello", "items": [1, 2, 3]}
"""The body every app returns from ``GET /json``."""

PATH = "/json"

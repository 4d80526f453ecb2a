"""What the ``pages`` benchmark page shows, shared by its Shipyard, FastAPI and Django apps.

One HTML page: a layout with the CSRF token in ``hx-headers`` and in a form, a flash
message region, a visit counter kept in the session and a small table. Every app bumps
the counter, flashes :func:`welcome` and shows it on the same render, so each request
reads and writes its session. :func:`page_problem` is the contract the runner and the
tests hold every app to.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

PATH = "/page"
TEMPLATES = Path(__file__).resolve().parent / "templates"
SCRATCH_ENV = "SHIPYARD_BENCH_DIR"
"""Where the apps put their scratch databases (the runner sets it to its temp dir)."""

ROWS: list[dict[str, str | int]] = [
    {"name": f"Ship {number:02d}", "port": f"Port {number % 7}", "crew": 10 + number * 3}
    for number in range(1, 21)
]
"""The table every page renders (20 rows), so the bodies are of the same size."""

CSRF_INPUT = re.compile(
    r'<input type="hidden" name="(?:csrf_token|csrfmiddlewaretoken)" value="([^"]{32,})"'
)
VISIT = re.compile(r"This is visit (\d+)\.")


def welcome(visits: int) -> str:
    """The flash message of a page view."""
    return f"Welcome aboard! This is visit {visits}."


def scratch_dir(prefix: str) -> Path:
    """A new directory for one app's files, under ``$SHIPYARD_BENCH_DIR`` or the temp dir."""
    base = Path(os.environ.get(SCRATCH_ENV) or tempfile.gettempdir())
    base.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=prefix, dir=base))


def page_problem(status: int, html: str) -> str | None:
    """Why ``html`` is not the benchmark page (None when it is)."""
    if status != 200:
        return f"status {status}"
    if CSRF_INPUT.search(html) is None:
        return "no CSRF token field"
    if VISIT.search(html) is None:
        return "no flashed visit message"
    if html.count("<tr>") != len(ROWS) + 1:
        return "not the 20-row table"
    return None

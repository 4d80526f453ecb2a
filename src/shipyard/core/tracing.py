"""Spans around the framework's own work (templates, mail), once tracing has started.

Until :func:`use_tracer` is given a tracer (the observability extension does when tracing
is on, see ``shipyard.observability.tracing``) :func:`span` is a no-op context manager:
code that is not traced pays one call. Kept in ``core`` so the web layer and mail can
name their spans without importing OpenTelemetry or the observability package.
"""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext
from typing import Any

_tracer: Any = None


def use_tracer(tracer: Any) -> None:
    """Open :func:`span` s with ``tracer`` from now on (None: stop tracing)."""
    global _tracer
    _tracer = tracer


def span(name: str, attributes: dict[str, str] | None = None) -> AbstractContextManager[Any]:
    """A span named ``name`` current inside the block, or nothing when not tracing."""
    if _tracer is None:
        return nullcontext()
    started: AbstractContextManager[Any] = _tracer.start_as_current_span(
        name, attributes=attributes
    )
    return started

"""Observability: structured logs with request context, the access line, health probes.

- :mod:`~shipyard.observability.logs`: structlog set-up routing every logger through one
  handler (JSON in production), sensitive fields masked; :func:`get_logger`.
- :mod:`~shipyard.observability.requests`: the request id and the per-request context
  and access line (the ``request_context`` middleware slot).
- :mod:`~shipyard.observability.health`: ``/up`` (liveness) and ``/ready`` (every
  extension's readiness checks, :mod:`shipyard.core.health`).
"""

from shipyard.observability.extension import ObservabilityExtension
from shipyard.observability.logs import configure_logging, get_logger
from shipyard.observability.requests import request_id

__all__ = ["ObservabilityExtension", "configure_logging", "get_logger", "request_id"]

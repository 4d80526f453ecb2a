"""The ``logging``, ``health``, ``metrics`` and ``tracing`` sections: what is logged and
how, the probe endpoints, the Prometheus scrape path, and OpenTelemetry traces."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, SecretStr, field_validator

from shipyard.config.sections.base import Section

Level = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]
_HEADER_NAME = re.compile(r"^[A-Za-z0-9-]{1,64}$")


class LoggingSettings(Section):
    """Structured logs: format, levels, the access line and what counts as slow."""

    configure: bool = Field(
        default=True,
        description="Set up logging at start-up; false keeps the logging the app set up itself.",
    )
    level: Level = Field(default="INFO", description="Level of the root logger.")
    format: Literal["auto", "json", "console"] = Field(
        default="auto",
        description="`json` lines, readable `console` lines, or `auto`: JSON in production.",
    )
    levels: dict[str, Level] = Field(
        default_factory=dict,
        description='Level per logger name, e.g. { "sqlalchemy.engine" = "INFO" }.',
    )
    access_log: bool = Field(
        default=True, description="One `request` line per HTTP request (status, duration)."
    )
    request_id_header: str = Field(
        default="X-Request-ID",
        description="Header with the request id: kept from a proxy, added to responses.",
    )
    trust_request_id: bool = Field(
        default=True,
        description="Keep a well-formed incoming request id instead of making a new one.",
    )
    slow_request_ms: float | None = Field(
        default=1000.0, gt=0, description="Requests slower than this log a warning; unset: never."
    )
    redact: list[str] = Field(
        default_factory=list,
        description="More field names whose values are masked in every log line.",
    )
    slow_query_ms: float | None = Field(
        default=500.0, gt=0, description="SQL statements slower than this log a warning."
    )
    repeated_query_warning: int | None = Field(
        default=5,
        ge=2,
        description="In debug mode, warn when one request runs the same statement this many "
        "times (an N+1 pattern); unset: never.",
    )

    @field_validator("request_id_header")
    @classmethod
    def _header_name(cls, value: str) -> str:
        if not _HEADER_NAME.match(value):
            raise ValueError("must be an HTTP header name: letters, digits and '-'")
        return value


class HealthSettings(Section):
    """The liveness and readiness endpoints orchestrators and load balancers probe."""

    enabled: bool = Field(default=True, description="Serve the two endpoints below.")
    up_path: str = Field(
        default="/up", pattern=r"^/", description="Liveness: 200 while the process serves."
    )
    ready_path: str = Field(
        default="/ready",
        pattern=r"^/",
        description="Readiness: 200 when every dependency answers, else 503 with each check.",
    )
    check_timeout: float = Field(
        default=2.0, gt=0, le=30, description="Seconds each readiness check may take."
    )


class MetricsSettings(Section):
    """Prometheus metrics: requests, jobs and the database pool, at one scrape path."""

    enabled: bool = Field(default=True, description="Count and serve metrics.")
    path: str = Field(default="/metrics", pattern=r"^/", description="Where Prometheus scrapes.")
    token: SecretStr | None = Field(
        default=None,
        description="Bearer token the scraper must send. Without one, production serves no "
        "metrics (404) and other profiles serve them to anyone.",
    )


class TracingSettings(Section):
    """OpenTelemetry traces: requests, SQL statements and jobs, exported over OTLP."""

    enabled: Literal["auto", "on", "off"] = Field(
        default="auto",
        description="`auto`: trace when tracing.endpoint or OTEL_EXPORTER_OTLP_ENDPOINT (or "
        "its _TRACES_ form) is set; `on` needs the `otel` extra.",
    )
    endpoint: str | None = Field(
        default=None,
        description="OTLP/HTTP collector base URL (`/v1/traces` is added); default: the "
        "OTEL_EXPORTER_OTLP_* variables.",
    )
    sample_ratio: float = Field(
        default=1.0,
        ge=0.0,
        le=1.0,
        description="Share of new traces recorded; a request that arrives inside a sampled "
        "trace (W3C traceparent) follows its parent's decision.",
    )
    service_name: str | None = Field(
        default=None, description="`service.name` of the spans; the app's name by default."
    )
    statements: bool = Field(default=True, description="A span per SQL statement.")
    operation_spans: bool = Field(
        default=False,
        description="FastAPI's spans inside each request: dependency resolution, the endpoint, "
        "serialisation (about six more per request; 1.7x the cost of a traced request).",
    )

"""The ``realtime`` section: the pub/sub backend, event streams and WebSockets."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr

from shipyard.config.sections.base import Section


class RealtimeSettings(Section):
    """Server-Sent Events, WebSockets and the pub/sub broker between processes."""

    backend: Literal["memory", "redis", "postgres"] = Field(
        default="memory",
        description="The broker: in-process memory (one process), Redis pub/sub, or "
        "PostgreSQL LISTEN/NOTIFY.",
    )
    namespace: str = Field(
        default="shipyard",
        pattern=r"^[a-z][a-z0-9_]{0,39}$",
        description="The Redis channel / PostgreSQL NOTIFY channel the app's events travel "
        "on; apps sharing a server need different ones.",
    )
    redis_url: SecretStr = Field(
        default=SecretStr("redis://127.0.0.1:6379/0"),
        description="Redis server for realtime.backend = redis.",
    )
    postgres_url: SecretStr | None = Field(
        default=None,
        description="PostgreSQL server for realtime.backend = postgres; default: "
        "database.url when it is PostgreSQL.",
    )
    replay_buffer: int = Field(
        default=100,
        ge=0,
        le=100_000,
        description="Events kept per channel for clients resuming with Last-Event-ID.",
    )
    replay_channels: int = Field(
        default=10_000,
        ge=1,
        description="Channels whose replay buffers are kept (least recently used dropped).",
    )
    heartbeat: float = Field(
        default=15.0, gt=0, description="Seconds between keep-alive comments on a quiet stream."
    )
    retry_ms: int = Field(
        default=3000, ge=0, description="The reconnection delay event streams send to clients."
    )
    queue_size: int = Field(
        default=256,
        ge=1,
        le=100_000,
        description="Events waiting for one slow client before it is dropped.",
    )
    max_message_size: int = Field(
        default=64 * 1024,
        ge=128,
        description="Largest WebSocket message or published event, in bytes.",
    )
    ws_ping_interval: float = Field(
        default=20.0, gt=0, description="Seconds between the server's WebSocket pings."
    )

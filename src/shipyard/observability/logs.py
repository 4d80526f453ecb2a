"""Structured logs: structlog in front, every standard-library logger routed through it.

:func:`configure_logging` runs once per process at start-up (the extension's ``startup``):
one handler on the root logger renders every record, structlog's and the standard
library's alike (the server's, SQLAlchemy's, Shipyard's own ``logging.getLogger`` users),
as JSON lines in production and readable lines elsewhere. Each line carries the context
bound with :mod:`structlog.contextvars` (the request id, method and path while serving a
request; the job id, name, queue and attempt while running a job) and has sensitive
fields masked (:func:`redact`). Calling it again replaces the handler it installed, so a
settings reload or a second app in one process never doubles the lines.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable, Mapping, MutableMapping
from typing import Any, TextIO

import structlog
from structlog.typing import Processor

from shipyard.config.models import Settings

MASK = "********"
SENSITIVE_WORDS = (
    "password",
    "passwd",
    "secret",
    "token",
    "authorization",
    "cookie",
    "api_key",
    "apikey",
    "x-api-key",
    "private_key",
    "csrf",
)
"""A field whose name contains one of these has its value masked in every line."""
SERVER_LOGGERS = ("uvicorn", "uvicorn.error", "granian", "granian.access", "_granian")
"""Loggers servers give handlers of their own: emptied so their lines come through ours."""
QUIET_LOGGERS = {"alembic.runtime.plugins": "WARNING"}
"""Loggers whose INFO lines are noise in an app's log, unless ``logging.levels`` says else."""
ACCESS_LOGGERS = ("uvicorn.access",)
"""The servers' own access lines, silenced while Shipyard writes its ``request`` line."""
HANDLER_MARK = "_shipyard_handler"


def is_sensitive(name: str, words: Iterable[str] = SENSITIVE_WORDS) -> bool:
    """True if a field called ``name`` may hold a credential."""
    lowered = name.lower()
    return any(word in lowered for word in words)


def _masked(value: Any, words: tuple[str, ...]) -> Any:
    if isinstance(value, Mapping):
        return {
            key: MASK if is_sensitive(str(key), words) else _masked(item, words)
            for key, item in value.items()
        }
    return value


def redact(extra: Iterable[str] = ()) -> Processor:
    """A processor masking the values of sensitive fields, nested mappings included."""
    words = SENSITIVE_WORDS + tuple(word.lower() for word in extra)

    def processor(
        _logger: Any, _method: str, event: MutableMapping[str, Any]
    ) -> MutableMapping[str, Any]:
        for key in list(event):
            if key == "event":
                continue
            if is_sensitive(key, words):
                event[key] = MASK
            elif isinstance(event[key], Mapping):
                event[key] = _masked(event[key], words)
        return event

    return processor


FORMATTER_FIELDS = ("message", "color_message")
"""Record attributes a formatter (or uvicorn) adds, repeating the event: not logged."""


def _drop_formatter_fields(
    _logger: Any, _method: str, event: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    for name in FORMATTER_FIELDS:
        event.pop(name, None)
    return event


def chosen_format(settings: Settings) -> str:
    """``json`` or ``console``: what ``logging.format`` means for this profile."""
    wanted = settings.logging.format
    if wanted != "auto":
        return wanted
    return "json" if settings.is_production else "console"


def _renderer(format_name: str, stream: TextIO) -> list[Processor]:
    if format_name == "json":
        return [
            structlog.processors.format_exc_info,
            structlog.processors.JSONRenderer(default=str),
        ]
    colors = bool(getattr(stream, "isatty", lambda: False)())
    return [structlog.dev.ConsoleRenderer(colors=colors)]


class StandardErrorHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever ``sys.stderr`` is when a record comes, not when it was made.

    A test runner, a reloader or a daemoniser may replace ``sys.stderr`` after start-up;
    a handler holding the old stream would write into a closed file.
    """

    def emit(self, record: logging.LogRecord) -> None:
        self.stream = sys.stderr
        super().emit(record)


def configure_logging(settings: Settings, stream: TextIO | None = None) -> None:
    """Route every logger through one structured handler (see the module docstring)."""
    options = settings.logging
    if not options.configure:
        return
    output = stream if stream is not None else sys.stderr
    handler = logging.StreamHandler(stream) if stream is not None else StandardErrorHandler()
    shared: list[Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        redact(options.redact),
    ]
    structlog.configure(
        processors=[
            *shared,
            structlog.stdlib.PositionalArgumentsFormatter(),
            structlog.processors.StackInfoRenderer(),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=False,  # a reconfiguration reaches every logger
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=[structlog.stdlib.ExtraAdder(), _drop_formatter_fields, *shared],
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            *_renderer(chosen_format(settings), output),
        ],
    )
    handler.setFormatter(formatter)
    setattr(handler, HANDLER_MARK, True)
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, HANDLER_MARK, False)]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(options.level)
    for name in SERVER_LOGGERS:
        server_logger = logging.getLogger(name)
        server_logger.handlers.clear()
        server_logger.propagate = True
    for name in ACCESS_LOGGERS:
        logging.getLogger(name).disabled = options.access_log
    for name, level in {**QUIET_LOGGERS, **options.levels}.items():
        logging.getLogger(name).setLevel(level)


def get_logger(name: str) -> structlog.stdlib.BoundLogger:
    """A structured logger: ``get_logger(__name__).info("shipped", order=42)``."""
    logger: structlog.stdlib.BoundLogger = structlog.stdlib.get_logger(name)
    return logger

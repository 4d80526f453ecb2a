"""The built-in lifecycle-event subscriber that logs every job event (``jobs.log_events``).

One line per event on the ``shipyard.jobs.events`` logger, with the job's id, name, queue
and attempt in ``extra`` (``job_id``, ``job_name``, ``queue``, ``attempt``, ``event``) so a
structured formatter can index them: ``started``/``enqueued`` at DEBUG, ``succeeded`` at
INFO, ``failed``/``retried`` at WARNING and ``dead`` at ERROR. Metrics and tracing attach
the same way, with :func:`shipyard.jobs.on_job_event`.
"""

from __future__ import annotations

import logging

from shipyard.jobs.events import EventKind, JobEvent

logger = logging.getLogger("shipyard.jobs.events")
LEVELS: dict[EventKind, int] = {
    "enqueued": logging.DEBUG,
    "started": logging.DEBUG,
    "succeeded": logging.INFO,
    "failed": logging.WARNING,
    "retried": logging.WARNING,
    "dead": logging.ERROR,
}


def log_event(event: JobEvent) -> None:
    """Log ``event`` at its kind's level (nothing is formatted when that level is off)."""
    level = LEVELS[event.kind]
    if not logger.isEnabledFor(level):
        return
    job = event.job
    details = []
    if event.duration is not None:
        details.append(f"in {event.duration * 1000:.1f} ms")
    if event.error is not None:
        details.append(event.error)
    if event.retry_at is not None:
        details.append(f"retry at {event.retry_at.isoformat(timespec='seconds')}")
    logger.log(
        level,
        "job %s %s %s (attempt %d/%d)%s",
        job.name,
        job.id,
        event.kind,
        job.attempts,
        job.max_attempts,
        (": " + "; ".join(details)) if details else "",
        extra={
            "event": event.kind,
            "job_id": job.id,
            "job_name": job.name,
            "queue": job.queue,
            "attempt": job.attempts,
        },
    )

"""Background jobs: typed jobs, backends (memory, database, Redis), retries, cron, workers.

Owns the job model and its retry policy, the backend interface and its implementations,
the worker, cron scheduling, lifecycle events and the jobs CLI. It does not own what jobs
do: apps define them.
"""

from shipyard.core.clock import ManualClock
from shipyard.jobs.api import Jobs
from shipyard.jobs.backend import JobBackend, JobRecord, QueueStats, State
from shipyard.jobs.context import JobContext
from shipyard.jobs.events import JobEvent, JobEvents
from shipyard.jobs.extension import JOBS, JobsDep, JobsExtension, get_jobs, on_job_event
from shipyard.jobs.job import Job
from shipyard.jobs.memory import MemoryBackend
from shipyard.jobs.registry import registry
from shipyard.jobs.retry import RetryPolicy
from shipyard.jobs.runner import JobTimeoutError
from shipyard.jobs.worker import Worker

__all__ = [
    "JOBS",
    "Job",
    "JobBackend",
    "JobContext",
    "JobEvent",
    "JobEvents",
    "JobRecord",
    "JobTimeoutError",
    "Jobs",
    "JobsDep",
    "JobsExtension",
    "ManualClock",
    "MemoryBackend",
    "QueueStats",
    "RetryPolicy",
    "State",
    "Worker",
    "get_jobs",
    "on_job_event",
    "registry",
]

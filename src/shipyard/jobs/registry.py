"""The registry of job classes by name: how a stored job finds its code again.

Every :class:`~shipyard.jobs.job.Job` subclass registers itself in :data:`registry` when
it is defined, under ``Job.job_name()`` (``module.QualName`` unless the class sets
``name``). A worker must import the modules that define the jobs it runs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from shipyard.errors import ShipyardError

if TYPE_CHECKING:
    from shipyard.jobs.job import Job


class JobRegistry:
    """Maps job names to job classes."""

    def __init__(self) -> None:
        self._jobs: dict[str, type[Job]] = {}

    def register(self, job_class: type[Job]) -> None:
        """Add a job class; a different class claiming a taken name is an error."""
        name = job_class.job_name()
        existing = self._jobs.get(name)
        if existing is not None and _origin(existing) != _origin(job_class):
            raise ShipyardError(
                f"job name {name!r} is used by both {_origin(existing)} and {_origin(job_class)}",
                hint='give one of them a distinct `name = "..."` class attribute',
            )
        self._jobs[name] = job_class  # a re-definition (reload, test) replaces the old one

    def resolve(self, name: str) -> type[Job]:
        """The class registered under ``name``."""
        try:
            return self._jobs[name]
        except KeyError:
            raise ShipyardError(
                f"unknown job {name!r}: no Job class with this name is imported",
                hint="import the module defining it in the worker (e.g. from the app module)",
            ) from None

    def names(self) -> list[str]:
        """Every registered name, sorted."""
        return sorted(self._jobs)


def _origin(job_class: type[Job]) -> str:
    return f"{job_class.__module__}.{job_class.__qualname__}"


registry = JobRegistry()
"""The process-wide registry every Job subclass joins."""

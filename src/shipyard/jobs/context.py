"""What a running job gets as ``ctx``: settings, database sessions, mail, a logger, attempts."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from shipyard.errors import ShipyardError
from shipyard.mail import Mailer, get_mailer

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

    from shipyard.config import Settings
    from shipyard.jobs.api import Jobs


@dataclass
class JobContext:
    """Per-run information and services handed to ``Job.run``."""

    job_id: str
    name: str
    attempt: int
    """1 on the first run, 2 on the first retry, ..."""
    max_attempts: int
    logger: logging.Logger
    settings: Settings | None = None
    sessionmaker: async_sessionmaker[AsyncSession] | None = None
    app: Any = None
    """The :class:`shipyard.App` the worker runs for, when there is one."""
    jobs: Jobs | None = None
    """The jobs service running this job: ``await ctx.jobs.enqueue(...)`` for follow-ups."""
    extras: dict[str, Any] = field(default_factory=dict)
    """Services added by extensions (mail, storage, ...), by name."""

    @property
    def is_last_attempt(self) -> bool:
        """True when a failure of this run dead-letters the job."""
        return self.attempt >= self.max_attempts

    @property
    def mail(self) -> Mailer:
        """The app's mailer (``mail.backend``): ``await ctx.mail.send(Message(...))``."""
        if self.app is None:
            raise ShipyardError(
                f"job {self.name} asked for the mailer but the worker runs for no app",
                hint="run the worker for an App (shipyard jobs worker) so mail is configured",
            )
        return get_mailer(self.app)

    def session(self) -> AsyncSession:
        """A new database session (use ``async with ctx.session() as s:``)."""
        if self.sessionmaker is None:
            raise ShipyardError(
                f"job {self.name} asked for a database session but the worker has no database",
                hint="run the worker for an App (shipyard jobs worker) so its database is set up",
            )
        return self.sessionmaker()

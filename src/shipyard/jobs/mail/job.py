"""The job that sends a queued mail, and the :class:`MailQueue` the jobs extension provides.

``Mail.queue(app)`` stores a :class:`SendMail` job: the mail class's registered name, its
fields as JSON and a fresh idempotency key. The worker rebuilds the mail, renders it (so
templates fixed between queueing and sending are used) and sends it through the app's
mailer, guarded by the delivery log (:mod:`shipyard.jobs.mail.deliveries`): a run that
finds its key already ``sent`` sends nothing.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import ValidationError

from shipyard.core.tracing import span
from shipyard.errors import ShipyardError
from shipyard.jobs.context import JobContext
from shipyard.jobs.job import Job
from shipyard.jobs.mail.deliveries import (
    finish_attempt,
    forget,
    get_delivery,
    record_queued,
    record_suppressed,
    start_attempt,
)
from shipyard.jobs.mail.suppressions import suppressed_among
from shipyard.jobs.retry import RetryPolicy
from shipyard.mail.mailable import MAIL_CLASSES, Mail, message_id_for
from shipyard.mail.smtp import MailRefused
from shipyard.mail.tally import backend_name, deliver
from shipyard.mail.tracking import track

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from shipyard.jobs.api import Jobs


class UnknownMail(ShipyardError):
    """A queued mail names a class this worker does not know, or data it no longer takes."""


class SendMail(Job):
    """Send one queued :class:`~shipyard.mail.Mail`, at most once per ``key``."""

    name: ClassVar[str | None] = "shipyard.send-mail"
    retry: ClassVar[RetryPolicy | None] = RetryPolicy(
        attempts=5, base=10, factor=3, cap=3600, jitter=0.2, no_retry=(UnknownMail, MailRefused)
    )

    mail: str
    data: dict[str, Any]
    key: str

    def build(self) -> Mail:
        """The mail this job sends, rebuilt from its stored fields."""
        cls = MAIL_CLASSES.get(self.mail)
        if cls is None:
            raise UnknownMail(
                f"no mail class is registered as {self.mail!r}",
                hint="import the module that defines it in the worker (from your app "
                "module), or keep the old name with stored_as = '...' on a renamed class",
            )
        try:
            return cls.model_validate(self.data)
        except ValidationError as error:
            raise UnknownMail(
                f"the queued data of {self.mail} no longer fits the class: {error}",
                hint="give new fields defaults so mail queued before the change still loads",
            ) from error

    async def run(self, ctx: JobContext) -> None:
        mail = self.build()
        app = ctx.app
        if app is None:
            raise ShipyardError(
                "queued mail needs the worker to run for an app (its templates and mailer)",
                hint="run the worker with shipyard jobs worker",
            )
        async with ctx.session() as session:
            done = await get_delivery(session, self.key)
            if done is not None and done.state == "sent":
                ctx.logger.info("mail %s already sent (%s): not sent again", self.key, self.mail)
                return
            sender = mail.from_address or app.settings.mail.from_address
            message = track(
                app, mail.render(app, message_id=message_id_for(self.key, sender)), self.key
            )
            recorded = {
                "mail": self.mail,
                "recipients": ", ".join(message.envelope),
                "subject": message.subject,
            }
            suppressed = await suppressed_among(session, message.envelope)
            if suppressed:
                await record_suppressed(session, self.key, suppressed=suppressed, **recorded)
                ctx.logger.warning(
                    "mail %s (%s) not sent: suppressed recipients %s (they bounced or complained)",
                    self.key,
                    self.mail,
                    ", ".join(suppressed),
                )
                return
            await start_attempt(session, self.key, **recorded)
            try:
                with span(f"mail {self.mail}", {"shipyard.mail": self.mail}):
                    provider_id = await deliver(app, message)
            except Exception as error:
                await finish_attempt(session, self.key, error=f"{type(error).__name__}: {error}")
                raise
            await finish_attempt(
                session,
                self.key,
                message_id=message.message_id,
                provider_message_id=provider_id,
                backend=backend_name(app),
            )


class JobsMailQueue:
    """Queues mail as :class:`SendMail` jobs of one :class:`Jobs` service."""

    def __init__(self, jobs: Jobs) -> None:
        self.jobs = jobs

    async def enqueue(
        self, mail: Mail, *, delay: float | None = None, session: AsyncSession | None = None
    ) -> str:
        name = mail.mail_name()
        if MAIL_CLASSES.get(name) is not type(mail):
            raise ShipyardError(
                f"{type(mail).__name__} cannot be queued: it is not registered as {name!r}",
                hint="give the class a template and a name no other mail class uses",
            )
        job = SendMail(mail=name, data=mail.model_dump(mode="json"), key=uuid.uuid4().hex)
        queued = self._queued_row(job, mail)
        if session is not None:  # the job is stored when the caller's transaction commits
            await record_queued(session, job.key, **queued)
            return await self.jobs.enqueue(job, delay=delay, session=session)
        sessionmaker = self.jobs.sessionmaker
        if sessionmaker is None:  # no database: the job records its attempts (or says why not)
            return await self.jobs.enqueue(job, delay=delay)
        async with sessionmaker() as own:  # before the job is stored: a worker (or the
            await record_queued(own, job.key, **queued)  # inline mode) may run it at once
            await own.commit()
        try:
            return await self.jobs.enqueue(job, delay=delay)
        except BaseException:
            async with sessionmaker() as own:
                await forget(own, job.key)
                await own.commit()
            raise

    def _queued_row(self, job: SendMail, mail: Mail) -> dict[str, str]:
        """The delivery log's columns of a queued mail (the subject rendered)."""
        to = (mail.to,) if isinstance(mail.to, str) else mail.to
        app = self.jobs.app
        return {
            "mail": job.mail,
            "recipients": ", ".join((*to, *mail.cc, *mail.bcc)),
            "subject": mail.render_subject(app) if app is not None else mail.subject,
        }

"""Queued mail: the job that sends a :class:`~shipyard.mail.Mail` and its delivery log.

The mail package sits below the jobs system, so it cannot queue by itself: the jobs
extension provides :class:`JobsMailQueue` as the app's ``MAIL_QUEUE`` at startup, and
``Mail.queue(app)`` goes through it.
"""

from shipyard.jobs.mail.deliveries import MAIL_MIGRATIONS, Delivery, get_delivery
from shipyard.jobs.mail.job import JobsMailQueue, SendMail, UnknownMail

__all__ = [
    "MAIL_MIGRATIONS",
    "Delivery",
    "JobsMailQueue",
    "SendMail",
    "UnknownMail",
    "get_delivery",
]

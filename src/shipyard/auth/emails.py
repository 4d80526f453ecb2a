"""The account emails (verification, password reset, email change, a registration attempt
for an address that has an account), sent via ``shipyard.mail``.

Links are absolute URLs under the app's canonical URL (``app.base_url``, see
:mod:`shipyard.core.urls`), never under the request's ``Host`` header: a forged header
must not get a genuine token mailed to someone else's site. Each kind of mail to one
address is limited by ``ratelimit.mail_per_address`` (:func:`shipyard.ratelimit.mail_allowed`):
past it, nothing is sent, and the caller answers as if it had been, so nobody learns
anything.
"""

from __future__ import annotations

import logging

from starlette.requests import Request

from shipyard.auth.links import Purpose, make_token
from shipyard.auth.models import User
from shipyard.core.urls import absolute_url_for
from shipyard.mail import Message, get_mailer
from shipyard.ratelimit import mail_allowed

logger = logging.getLogger("shipyard.auth")

_ROUTES: dict[Purpose, str] = {
    "verify": "auth_verify",
    "reset": "auth_reset",
    "email": "auth_confirm_email",
}


def page_url(request: Request, name: str) -> str:
    """The absolute URL of the app's route ``name`` under its canonical URL, for a mail."""
    return absolute_url_for(request.app, name)


async def _send(request: Request, kind: str, message: Message) -> None:
    """Send ``message`` unless its address already had its share of ``kind`` mail."""
    if await mail_allowed(request, kind, ",".join(message.recipients)):
        await get_mailer(request.app).send(message)
    else:
        logger.info("%s mail not sent: over ratelimit.mail_per_address", kind)


def link_for(request: Request, user: User, purpose: Purpose) -> str:
    """The absolute URL of a ``purpose`` link for ``user``."""
    token = make_token(request.app.settings, user, purpose)
    return f"{page_url(request, _ROUTES[purpose])}?token={token}"


async def send_verification(request: Request, user: User) -> None:
    """Mail the address-verification link to ``user.email``."""
    link = link_for(request, user, "verify")
    hours = request.app.settings.auth.verify_token_max_age // 3600
    await _send(
        request,
        "verify",
        Message(
            to=user.email,
            subject="Confirm your email address",
            text=f"Open this link to confirm your address:\n\n{link}\n\n"
            f"It works once and expires in {hours} hours.",
        ),
    )


async def send_reset(request: Request, user: User) -> None:
    """Mail a password-reset link to ``user.email``."""
    link = link_for(request, user, "reset")
    minutes = request.app.settings.auth.reset_token_max_age // 60
    await _send(
        request,
        "reset",
        Message(
            to=user.email,
            subject="Reset your password",
            text=f"Someone asked to reset the password of this account. If it was you, "
            f"open this link:\n\n{link}\n\nIt works once and expires in {minutes} minutes. "
            f"If it was not you, ignore this email.",
        ),
    )


async def send_email_change(request: Request, user: User) -> None:
    """Mail the confirmation link to the pending new address, and a notice to the old one."""
    if user.pending_email is None:
        raise ValueError(f"user {user.id} has no pending email change to confirm")
    link = link_for(request, user, "email")
    await _send(
        request,
        "email",
        Message(
            to=user.pending_email,
            subject="Confirm your new email address",
            text=f"Open this link to make this your account's address:\n\n{link}",
        ),
    )
    await _send(
        request,
        "email-notice",
        Message(
            to=user.email,
            subject="Your email address is being changed",
            text=f"A change of this account's address to {user.pending_email} was asked "
            f"for. It takes effect only once the new address is confirmed.",
        ),
    )


async def send_registration_notice(request: Request, user: User) -> None:
    """Tell the owner of ``user.email`` that someone tried to register with it."""
    await _send(
        request,
        "registration-notice",
        Message(
            to=user.email,
            subject="Someone tried to register with your address",
            text="Someone tried to create an account with this email address, which "
            "already has one. Nothing has changed.\n\n"
            f"If it was you, log in:\n{page_url(request, 'auth_login')}\n\n"
            f"or, if you forgot your password, reset it:\n{page_url(request, 'auth_forgot')}"
            "\n\nIf it was not you, ignore this email.",
        ),
    )

"""The account emails (verification, password reset, email change), sent via ``shipyard.mail``.

Links are absolute URLs built from the request (``url_for``), so they follow the host
and root path the app is served under. Each kind of mail to one address is limited by
``ratelimit.mail_per_address`` (:func:`shipyard.ratelimit.mail_allowed`): past it,
nothing is sent, and the caller answers as if it had been, so nobody learns anything.
"""

from __future__ import annotations

import logging

from starlette.requests import Request

from shipyard.auth.links import Purpose, make_token
from shipyard.auth.models import User
from shipyard.mail import Message, get_mailer
from shipyard.ratelimit import mail_allowed

logger = logging.getLogger("shipyard.auth")

_ROUTES: dict[Purpose, str] = {
    "verify": "auth_verify",
    "reset": "auth_reset",
    "email": "auth_confirm_email",
}


async def _send(request: Request, kind: str, message: Message) -> None:
    """Send ``message`` unless its address already had its share of ``kind`` mail."""
    if await mail_allowed(request, kind, ",".join(message.recipients)):
        await get_mailer(request.app).send(message)
    else:
        logger.info("%s mail not sent: over ratelimit.mail_per_address", kind)


def link_for(request: Request, user: User, purpose: Purpose) -> str:
    """The absolute URL of a ``purpose`` link for ``user``."""
    token = make_token(request.app.settings, user, purpose)
    return f"{request.url_for(_ROUTES[purpose])}?token={token}"


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

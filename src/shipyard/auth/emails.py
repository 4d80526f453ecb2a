"""Sending the account emails (verification, welcome, password reset, password changed, a
new sign-in, email change, a registration attempt for an address that has an account):
the mail classes of :mod:`shipyard.auth.mails`, rendered from templates and sent now (the
flows answer after the mail went out).

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
from shipyard.auth.mails import (
    ConfirmEmailChange,
    EmailChangeNotice,
    NewSignIn,
    PasswordChanged,
    RegistrationNotice,
    ResetPassword,
    VerifyEmail,
    Welcome,
    account_mail,
)
from shipyard.auth.models import User
from shipyard.core.urls import absolute_url_for
from shipyard.mail import Mail
from shipyard.ratelimit import client_ip, mail_allowed

logger = logging.getLogger("shipyard.auth")

_ROUTES: dict[Purpose, str] = {
    "verify": "auth_verify",
    "reset": "auth_reset",
    "email": "auth_confirm_email",
}


def page_url(request: Request, name: str) -> str:
    """The absolute URL of the app's route ``name`` under its canonical URL, for a mail."""
    return absolute_url_for(request.app, name)


async def _send(request: Request, kind: str, mail: Mail) -> None:
    """Send ``mail`` now unless its address already had its share of ``kind`` mail."""
    recipients = (mail.to,) if isinstance(mail.to, str) else mail.to
    if await mail_allowed(request, kind, ",".join(recipients)):
        await mail.send(request.app)
    else:
        logger.info("%s mail not sent: over ratelimit.mail_per_address", kind)


def link_for(request: Request, user: User, purpose: Purpose) -> str:
    """The absolute URL of a ``purpose`` link for ``user``."""
    token = make_token(request.app.settings, user, purpose)
    return f"{page_url(request, _ROUTES[purpose])}?token={token}"


async def send_verification(request: Request, user: User) -> None:
    """Mail the address-verification link to ``user.email``."""
    mail = account_mail(request.app, VerifyEmail)
    hours = request.app.settings.auth.verify_token_max_age // 3600
    link = link_for(request, user, "verify")
    await _send(request, "verify", mail(to=user.email, link=link, hours=hours))


async def send_reset(request: Request, user: User) -> None:
    """Mail a password-reset link to ``user.email``."""
    mail = account_mail(request.app, ResetPassword)
    minutes = request.app.settings.auth.reset_token_max_age // 60
    link = link_for(request, user, "reset")
    await _send(request, "reset", mail(to=user.email, link=link, minutes=minutes))


async def send_email_change(request: Request, user: User) -> None:
    """Mail the confirmation link to the pending new address, and a notice to the old one."""
    if user.pending_email is None:
        raise ValueError(f"user {user.id} has no pending email change to confirm")
    link = link_for(request, user, "email")
    confirm = account_mail(request.app, ConfirmEmailChange)
    await _send(request, "email", confirm(to=user.pending_email, link=link))
    notice = account_mail(request.app, EmailChangeNotice)
    await _send(request, "email-notice", notice(to=user.email, new_address=user.pending_email))


async def send_registration_notice(request: Request, user: User) -> None:
    """Tell the owner of ``user.email`` that someone tried to register with it."""
    mail = account_mail(request.app, RegistrationNotice)
    await _send(
        request,
        "registration-notice",
        mail(
            to=user.email,
            login_url=page_url(request, "auth_login"),
            forgot_url=page_url(request, "auth_forgot"),
        ),
    )


async def send_welcome(request: Request, user: User) -> None:
    """Welcome ``user``, whose address was just confirmed."""
    mail = account_mail(request.app, Welcome)
    await _send(
        request, "welcome", mail(to=user.email, account_url=page_url(request, "auth_account"))
    )


async def send_password_changed(request: Request, user: User) -> None:
    """Tell ``user`` that the account's password changed, with the way back if it was not them."""
    mail = account_mail(request.app, PasswordChanged)
    forgot = page_url(request, "auth_forgot")
    await _send(request, "password-changed", mail(to=user.email, forgot_url=forgot))


async def send_new_sign_in(request: Request, user: User) -> None:
    """Tell ``user`` that the account logged in from a browser it never used."""
    trusted = request.app.settings.ratelimit.trusted_proxies
    mail = account_mail(request.app, NewSignIn)(
        to=user.email,
        client=client_ip(request.scope, trusted),
        browser=request.headers.get("user-agent", "unknown")[:200],
        change_url=page_url(request, "auth_password"),
    )
    await _send(request, "new-sign-in", mail)

"""The account mails as mail classes: HTML and text from ``mail/auth/*`` templates.

An app restyles them by putting its own ``mail/layout.html`` (every framework mail) or
``mail/auth/<name>.html``/``.txt`` (one mail) in its templates folder, and changes a
subject by subclassing with ``subject = "..."`` and providing the subclass with
:func:`use_account_mail` (``use_account_mail(app, VerifyEmail, MyVerifyEmail)``).
Each has sample data, so the previewer (``/_shipyard/mail``) shows them.
"""

from __future__ import annotations

from typing import TypeVar

from shipyard.core.app import AppBase
from shipyard.core.services import Service
from shipyard.mail import Mail

M = TypeVar("M", bound=Mail)

SAMPLE_TO = "someone@example.com"
SAMPLE_LINK = "https://example.com/account/{}?token=sample-token"


class VerifyEmail(Mail):
    """Confirms the address of a new account (the link marks it verified)."""

    template = "mail/auth/verify"
    subject = "Confirm your email address"

    link: str
    hours: int

    @classmethod
    def preview(cls) -> VerifyEmail:
        return cls(to=SAMPLE_TO, link=SAMPLE_LINK.format("verify"), hours=72)


class ResetPassword(Mail):
    """A password-reset link, for the forgot-password form."""

    template = "mail/auth/reset"
    subject = "Reset your password"

    link: str
    minutes: int

    @classmethod
    def preview(cls) -> ResetPassword:
        return cls(to=SAMPLE_TO, link=SAMPLE_LINK.format("reset"), minutes=60)


class ConfirmEmailChange(Mail):
    """Sent to the new address of an email change: the link makes it the account's."""

    template = "mail/auth/email_change"
    subject = "Confirm your new email address"

    link: str

    @classmethod
    def preview(cls) -> ConfirmEmailChange:
        return cls(to="new@example.com", link=SAMPLE_LINK.format("email/confirm"))


class EmailChangeNotice(Mail):
    """Tells the old address that a change to ``new_address`` was asked for."""

    template = "mail/auth/email_change_notice"
    subject = "Your email address is being changed"

    new_address: str

    @classmethod
    def preview(cls) -> EmailChangeNotice:
        return cls(to=SAMPLE_TO, new_address="new@example.com")


class RegistrationNotice(Mail):
    """Tells an account's owner that someone tried to register with their address."""

    template = "mail/auth/registration_notice"
    subject = "Someone tried to register with your address"

    login_url: str
    forgot_url: str

    @classmethod
    def preview(cls) -> RegistrationNotice:
        return cls(
            to=SAMPLE_TO,
            login_url="https://example.com/account/login",
            forgot_url="https://example.com/account/forgot",
        )


class Welcome(Mail):
    """Welcomes a new account once its address is confirmed."""

    template = "mail/auth/welcome"
    subject = "Welcome aboard"

    account_url: str

    @classmethod
    def preview(cls) -> Welcome:
        return cls(to=SAMPLE_TO, account_url="https://example.com/account")


class PasswordChanged(Mail):
    """Tells the owner that the account's password changed (reset or changed)."""

    template = "mail/auth/password_changed"
    subject = "Your password was changed"

    forgot_url: str

    @classmethod
    def preview(cls) -> PasswordChanged:
        return cls(to=SAMPLE_TO, forgot_url="https://example.com/account/forgot")


class NewSignIn(Mail):
    """Tells the owner that the account logged in from a browser never seen before."""

    template = "mail/auth/new_sign_in"
    subject = "New sign-in to your account"

    client: str
    browser: str
    change_url: str

    @classmethod
    def preview(cls) -> NewSignIn:
        return cls(
            to=SAMPLE_TO,
            client="203.0.113.7",
            browser="Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0",
            change_url="https://example.com/account/password",
        )


class AccountMails(dict[type[Mail], type[Mail]]):
    """The app's replacements of account mail classes (built-in class to subclass)."""


ACCOUNT_MAILS = Service("account_mails", AccountMails, "account mail classes")
"""Which class sends each account mail, when the app replaced one."""


def use_account_mail(app: AppBase, builtin: type[M], replacement: type[M]) -> None:
    """Send ``replacement`` (a subclass of ``builtin``) wherever ``builtin`` was sent."""
    if not issubclass(replacement, builtin):
        raise TypeError(f"{replacement.__name__} must subclass {builtin.__name__}")
    ACCOUNT_MAILS.get_or_create(app, AccountMails)[builtin] = replacement


def account_mail(app: AppBase, builtin: type[M]) -> type[M]:
    """The class that sends ``builtin``'s mail in ``app``."""
    replaced = ACCOUNT_MAILS.find(app)
    if replaced is None or builtin not in replaced:
        return builtin
    chosen = replaced[builtin]
    if not issubclass(chosen, builtin):  # use_account_mail checked it; keeps mypy sure
        raise TypeError(f"{chosen.__name__} must subclass {builtin.__name__}")
    return chosen

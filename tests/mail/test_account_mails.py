"""The account mails as mail classes: HTML + text, previews, overridable by the app."""

from __future__ import annotations

from pathlib import Path

import pytest

from shipyard import App
from shipyard.auth.mails import (
    ConfirmEmailChange,
    EmailChangeNotice,
    RegistrationNotice,
    ResetPassword,
    VerifyEmail,
    account_mail,
    use_account_mail,
)
from shipyard.mail import MAIL_CLASSES, Mail

ACCOUNT_MAILS = [
    VerifyEmail,
    ResetPassword,
    ConfirmEmailChange,
    EmailChangeNotice,
    RegistrationNotice,
]


@pytest.mark.parametrize("cls", ACCOUNT_MAILS)
def test_every_account_mail_renders_html_and_text_from_its_preview(
    app: App, cls: type[Mail]
) -> None:
    message = cls.preview().render(app)
    assert message.html is not None
    assert message.html.startswith("<!doctype html>")
    assert message.subject in message.html  # the layout's <title>
    assert "{{" not in message.html + message.text
    assert MAIL_CLASSES[cls.mail_name()] is cls
    sample = cls.preview()
    for value in sample.context().values():
        if isinstance(value, str) and value.startswith("https://"):
            assert value in message.text  # every link is in the text part as it is


def test_the_verification_text_keeps_its_wording(app: App) -> None:
    message = VerifyEmail(to="a@example.com", link="https://x.example/v?token=t", hours=3).render(
        app
    )
    assert message.text == (
        "Open this link to confirm your address:\n\nhttps://x.example/v?token=t\n\n"
        "It works once and expires in 3 hours.\n"
    )
    assert message.html is not None
    assert 'href="https://x.example/v?token=t"' in message.html


def test_an_app_template_overrides_the_framework_one(app: App) -> None:
    app.add_template_dir(Path(__file__).parent / "override", override=True)
    message = ResetPassword(to="a@example.com", link="https://x.example/r", minutes=5).render(app)
    assert message.text == "Custom reset text: https://x.example/r\n"
    assert message.html is not None
    assert "Choose a new password" in message.html  # the HTML is still the framework's


class FriendlierReset(ResetPassword):
    subject = "Forgot your password? No problem"


def test_an_app_replaces_an_account_mail_class(app: App) -> None:
    assert account_mail(app, ResetPassword) is ResetPassword
    use_account_mail(app, ResetPassword, FriendlierReset)
    chosen = account_mail(app, ResetPassword)
    assert chosen is FriendlierReset
    assert chosen.preview().render(app).subject == "Forgot your password? No problem"
    with pytest.raises(TypeError, match="must subclass ResetPassword"):
        use_account_mail(app, ResetPassword, VerifyEmail)

"""The account notices: a welcome once the address is confirmed, a notice after every
password change or reset, and a notice of a login from a browser the account never used
(remembered by a signed cookie), each rendered with HTML and text and overridable."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from tests.auth.support import PASSWORD, AuthHarness
from tests.auth.test_flows import NEW, forgot, register, reset

from shipyard.auth.devices import COOKIE, MAX_TAGS, device_tag

NOTICE = "New sign-in to your account"


@pytest.fixture
def noticed(make_harness: Callable[..., AuthHarness], sqlite_url: str) -> AuthHarness:
    """A harness with the new sign-in notice on, as it is by default."""
    return make_harness(sqlite_url, auth={"new_sign_in_mail": True})


def set_tags(response: httpx.Response) -> list[str]:
    """The tags of the device cookie ``response`` sets."""
    header = next(v for v in response.headers.get_list("set-cookie") if v.startswith(COOKIE))
    return header.split(";", 1)[0].split("=", 1)[1].strip('"').split(".")


def subjects(auth: AuthHarness) -> list[str]:
    return [message.subject for message in auth.outbox]


def test_confirming_the_address_sends_one_welcome(lite: AuthHarness) -> None:
    register(lite, "ada@example.com", PASSWORD)
    link = lite.link()
    assert lite.client.get(link).status_code == 200
    assert subjects(lite) == ["Confirm your email address", "Welcome aboard"]
    welcome = lite.outbox[-1]
    assert welcome.to == "ada@example.com"
    assert "/account/" in welcome.text
    assert welcome.html is not None
    assert "Welcome aboard" in welcome.html


def test_a_reset_and_a_change_each_send_a_password_notice(lite: AuthHarness) -> None:
    lite.create_user()
    forgot(lite, "ada@example.com")
    assert reset(lite, lite.token()).status_code == 303
    assert subjects(lite)[-1] == "Your password was changed"
    assert "/account/forgot" in lite.outbox[-1].text  # the way back if it was not them

    lite.log_in(password=NEW)
    again = "yet another long passphrase"
    changed = lite.post_form(
        "/account/password",
        {"current_password": NEW, "new_password": again, "new_password_confirm": again},
        csrf_from="/account/password",
    )
    assert changed.status_code == 303, changed.text
    assert subjects(lite).count("Your password was changed") == 2


def test_a_login_from_a_new_browser_is_mailed_once(noticed: AuthHarness) -> None:
    noticed.create_user()
    first = noticed.log_in(headers={"User-Agent": "Firefox/140.0"})
    assert first.status_code == 303
    assert subjects(noticed) == [NOTICE]
    notice = noticed.outbox[-1]
    assert "Firefox/140.0" in notice.text
    assert "/account/password" in notice.text
    cookie = next(v for v in first.headers.get_list("set-cookie") if v.startswith(COOKIE))
    assert "HttpOnly" in cookie
    assert "Max-Age=34560000" in cookie

    noticed.log_in()  # the same browser (its cookie jar kept the tag)
    assert subjects(noticed) == [NOTICE]

    noticed.client.cookies.clear()  # a browser without the cookie is new again
    noticed.log_in()
    assert subjects(noticed) == [NOTICE, NOTICE]


def test_a_forged_or_foreign_tag_does_not_make_a_browser_known(noticed: AuthHarness) -> None:
    noticed.create_user()
    other = device_tag(noticed.app.settings, 999_999)
    noticed.client.cookies.set(COOKIE, f"{other}.not-a-tag.{'A' * 16}")
    response = noticed.log_in()
    assert subjects(noticed) == [NOTICE]
    kept = set_tags(response)
    assert kept[0] == other  # other accounts' tags stay, malformed ones go
    assert len(kept) == 3
    assert kept[-1] == device_tag(noticed.app.settings, noticed.user("ada@example.com").id)


def test_the_cookie_keeps_the_newest_tags(noticed: AuthHarness) -> None:
    noticed.create_user()
    others = [device_tag(noticed.app.settings, 1000 + n) for n in range(MAX_TAGS)]
    noticed.client.cookies.set(COOKIE, ".".join(others))
    kept = set_tags(noticed.log_in())
    assert len(kept) == MAX_TAGS
    assert kept[0] == others[1]


def test_a_failed_login_mails_nothing(noticed: AuthHarness) -> None:
    noticed.create_user()
    assert noticed.log_in(password="not the passphrase at all").status_code == 422
    assert noticed.outbox == []


def test_the_notices_have_previews() -> None:
    from shipyard.auth.mails import NewSignIn, PasswordChanged, Welcome

    for mail in (Welcome, PasswordChanged, NewSignIn):
        assert mail.preview().to

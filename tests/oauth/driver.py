"""Driving a sign-in the way a browser does: app, provider pages, callback.

The app is a TestClient; the provider is a real HTTP server reached with its own
``httpx.Client`` (its own cookies, as a browser keeps per site). :func:`authorize` posts
the app's "Continue with" link, follows the provider's redirects and fills its forms
(login, consent, authorize) until the provider sends the browser back to the app, and
returns that callback URL without calling it.
"""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import urljoin, urlsplit

import httpx
from tests.auth.support import HTML, AuthHarness

_FORM = re.compile(r"<form[^>]*action=\"([^\"]*)\"[^>]*>(.*?)</form>", re.S)
_INPUT = re.compile(r"<input([^>]*)>")
_ATTR = re.compile(r'(\w+)="([^"]*)"')


def start(
    harness: AuthHarness, provider: str, *, next_path: str = "", intent: str = "login"
) -> httpx.Response:
    """The app's answer to the "Continue with" (or "Connect") link."""
    params = {"next": next_path, "intent": intent}
    response: httpx.Response = harness.client.get(
        f"/auth/oauth/{provider}/start", params=params, headers=HTML, follow_redirects=False
    )
    return response


def _form(page: str) -> tuple[str, dict[str, str]]:
    found = _FORM.search(page)
    assert found is not None, page[:2000]
    fields: dict[str, str] = {}
    for raw in _INPUT.findall(found.group(2)):
        attributes = dict(_ATTR.findall(raw))
        if "name" in attributes:
            fields[attributes["name"]] = unescape(attributes.get("value", ""))
    return unescape(found.group(1)), fields


def follow_provider(
    browser: httpx.Client, url: str, login: str, *, deny: bool = False, max_steps: int = 12
) -> str:
    """From the authorization URL to the callback URL the provider redirects back to."""
    for _ in range(max_steps):
        response = browser.get(url)
        while response.is_redirect:
            target = urljoin(str(response.url), response.headers["location"])
            if urlsplit(target).netloc != urlsplit(str(response.url)).netloc:
                return target
            response = browser.get(target)
        action, fields = _form(response.text)
        if "login" in fields or 'name="login"' in response.text:
            fields["login"] = login
            fields.setdefault("password", "anything")
        fields["decision"] = "deny" if deny else "allow"
        answer = browser.post(urljoin(str(response.url), action), data=fields)
        if answer.is_redirect:
            target = urljoin(str(answer.url), answer.headers["location"])
            if urlsplit(target).netloc != urlsplit(str(answer.url)).netloc:
                return target
            url = target
        else:
            raise AssertionError(f"provider answered {answer.status_code}: {answer.text[:500]}")
    raise AssertionError("the provider never sent the browser back")


def authorize(
    harness: AuthHarness, provider: str, login: str, *, next_path: str = "", intent: str = "login"
) -> str:
    """The callback URL (path and query, for the TestClient) after signing in as ``login``."""
    started = start(harness, provider, next_path=next_path, intent=intent)
    assert started.status_code == 303, started.text
    with httpx.Client(timeout=10) as browser:
        callback = follow_provider(browser, started.headers["location"], login)
    parts = urlsplit(callback)
    return f"{parts.path}?{parts.query}"


def sign_in(
    harness: AuthHarness, provider: str, login: str, *, next_path: str = "", intent: str = "login"
) -> httpx.Response:
    """The whole sign-in; the app's answer to the callback (not followed)."""
    callback = authorize(harness, provider, login, next_path=next_path, intent=intent)
    response: httpx.Response = harness.client.get(
        callback, headers={"Accept": "text/html"}, follow_redirects=False
    )
    return response

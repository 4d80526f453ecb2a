"""A Playwright page that records what would betray a broken page under a strict CSP.

Content-Security-Policy violations are caught twice: the ``securitypolicyviolation``
event (an init script, which Playwright injects outside the page's CSP, reports each one
to Python, so the record survives full page loads) and Chromium's console messages.
Uncaught JavaScript errors are recorded too. The plugin's ``page`` fixture watches every
page this way and fails the test when one of them broke the CSP or threw. :func:`offline`
cuts a page off from every host but this machine, for pages that must work without
network access.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from playwright.sync_api import ConsoleMessage, Error, Page, Route

REPORT_BINDING = "__shipyardReportCspViolation"

INIT_SCRIPT = f"""
document.addEventListener("securitypolicyviolation", (event) => {{
  window.{REPORT_BINDING}(JSON.stringify({{
    directive: event.effectiveDirective,
    blocked: event.blockedURI,
    sample: event.sample,
    page: document.location.href,
  }}));
}});
"""


@dataclass
class WatchedPage:
    """A page plus the CSP violations, console messages and page errors seen so far."""

    page: Page
    violations: list[dict[str, Any]] = field(default_factory=list)
    console: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    @classmethod
    def attach(cls, page: Page) -> WatchedPage:
        """Start watching ``page`` (before its first navigation)."""
        watched = cls(page)
        page.expose_function(REPORT_BINDING, watched._on_violation)
        page.add_init_script(INIT_SCRIPT)
        page.on("console", watched._on_console)
        page.on("pageerror", watched._on_page_error)
        return watched

    def _on_violation(self, payload: str) -> None:
        self.violations.append(json.loads(payload))

    def _on_console(self, message: ConsoleMessage) -> None:
        self.console.append(f"{message.type}: {message.text}")

    def _on_page_error(self, error: Error) -> None:
        self.page_errors.append(str(error))

    @property
    def csp_console_messages(self) -> list[str]:
        """Console messages about the Content Security Policy."""
        return [text for text in self.console if "Content Security Policy" in text]

    def assert_no_csp_violations(self) -> None:
        """Fail if the page broke the CSP or threw, listing what happened."""
        assert self.violations == [], self.violations  # nosec B101: a test assertion
        assert self.csp_console_messages == [], self.csp_console_messages  # nosec B101: a test assertion
        assert self.page_errors == [], self.page_errors  # nosec B101: a test assertion


LOCAL_HOSTS = {"127.0.0.1", "localhost"}


def offline(page: Page) -> list[str]:
    """Abort every request that leaves this machine; returns the list of those refused."""
    refused: list[str] = []

    def only_local(route: Route) -> None:
        url = route.request.url
        if urlsplit(url).scheme in {"data", "blob"} or urlsplit(url).hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            refused.append(url)
            route.abort()

    page.route("**/*", only_local)
    return refused

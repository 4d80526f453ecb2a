"""A headless Chromium for browser tests: the system's, driven by Playwright.

Shipyard never downloads a browser: :func:`launch_chromium` starts the one at
``SHIPYARD_TEST_CHROMIUM`` (default ``/usr/bin/chromium``, Debian's ``chromium``
package). Without Playwright or without that browser the test is skipped with the
reason (failed instead when ``SHIPYARD_REQUIRE_SERVICES`` is set, see
:func:`shipyard.testing.services.unavailable`).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from shipyard.testing.services import unavailable

if TYPE_CHECKING:
    from playwright.sync_api import Browser

CHROMIUM_ENV = "SHIPYARD_TEST_CHROMIUM"
DEFAULT_CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


def chromium_path() -> Path:
    """Where the browser is expected (``SHIPYARD_TEST_CHROMIUM`` or Debian's path)."""
    return Path(os.environ.get(CHROMIUM_ENV) or DEFAULT_CHROMIUM)


@contextmanager
def launch_chromium() -> Iterator[Browser]:
    """The system's headless Chromium until the block ends, or the test skipped."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable(
            'Playwright is not installed (pip install "shipyard[browser]"); '
            "browser tests use the system's Chromium and never download one"
        )
    executable = chromium_path()
    if not executable.is_file():
        unavailable(
            f"no Chromium at {executable} (apt-get install chromium, or set {CHROMIUM_ENV} "
            "to the browser's path)"
        )
    with sync_playwright() as driver:
        browser = driver.chromium.launch(
            executable_path=str(executable), args=list(CHROMIUM_ARGS), headless=True
        )
        try:
            yield browser
        finally:
            browser.close()

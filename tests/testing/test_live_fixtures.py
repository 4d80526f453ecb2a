"""The plugin's ``live_server`` and ``page`` fixtures, run the way a project runs them:
a real ``shipyard run`` server on a free port, and Debian's Chromium through Playwright
(skipped with the reason when Playwright or the browser is missing)."""

from __future__ import annotations

import pytest

from shipyard.testing.browser import CHROMIUM_ENV, chromium_path
from shipyard.testing.services import REQUIRE_SERVICES_ENV, unavailable

pytest_plugins = ["pytester"]

APP = """
from pathlib import Path

from fastapi.responses import HTMLResponse

from shipyard import App

app = App(root=Path(__file__).resolve().parent)


@app.get("/hello", response_class=HTMLResponse)
async def hello() -> str:
    return "<!doctype html><title>Live</title><p id=greeting>hello from a real server</p>"


@app.get("/inline", response_class=HTMLResponse)
async def inline() -> str:
    return "<!doctype html><title>Inline</title><script>document.title = 'ran'</script>"
"""

TESTS = """
import os

import httpx


def test_the_app_answers_on_a_real_port(live_server):
    assert live_server.startswith("http://127.0.0.1:")
    response = httpx.get(live_server + "/hello")
    assert response.status_code == 200
    assert response.text.endswith("hello from a real server</p>")
    assert os.environ["SHIPYARD_PROFILE"] == "test"


def test_the_page_opens_it_in_chromium(page, live_server):
    page.goto("/hello")
    assert page.url == live_server + "/hello"
    assert page.title() == "Live"
    assert page.locator("#greeting").inner_text() == "hello from a real server"


def test_an_inline_script_the_csp_blocks_fails_the_test(page):
    page.goto("/inline")
    assert page.title() == "Inline"  # the script did not run
"""


@pytest.fixture
def project(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    """A one-file app with its pyproject.toml and strict CSP, and the tests above."""
    monkeypatch.delenv(REQUIRE_SERVICES_ENV, raising=False)
    monkeypatch.delenv("SHIPYARD_APP", raising=False)
    monkeypatch.delenv("SHIPYARD_PROFILE", raising=False)
    pytester.makepyprojecttoml('[tool.shipyard]\napp = "liveapp:app"\n')
    pytester.makepyfile(liveapp=APP, test_live=TESTS)
    settings = pytester.path / "config" / "settings.test.toml"
    settings.parent.mkdir()
    settings.write_text('[security]\ncsp_preset = "strict"\n')
    return pytester


def test_live_server_and_page_use_a_real_server_and_chromium_and_watch_the_csp(
    project: pytest.Pytester,
) -> None:
    if not chromium_path().is_file():
        unavailable(f"no Chromium at {chromium_path()} (apt-get install chromium)")
    result = project.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=3, errors=1)  # the blocked script errors at teardown
    result.stdout.fnmatch_lines(
        ["*ERROR at teardown of test_an_inline_script_the_csp_blocks_fails_the_test*"]
    )
    assert "'directive': 'script-src-elem'" in result.stdout.str()


def test_page_is_skipped_with_the_reason_without_a_browser(
    project: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(CHROMIUM_ENV, "/nonexistent/chromium")
    result = project.runpytest_subprocess("-p", "no:cacheprovider", "-rs", "-k", "opens")
    result.assert_outcomes(skipped=1)
    result.stdout.fnmatch_lines(["*no Chromium at /nonexistent/chromium (apt-get install*"])


def test_page_is_skipped_with_the_reason_without_playwright(project: pytest.Pytester) -> None:
    project.makeconftest(
        "import sys\n\n"
        "sys.modules['playwright'] = None  # as if it were not installed\n"
        "sys.modules['playwright.sync_api'] = None\n"
    )
    result = project.runpytest_subprocess("-p", "no:cacheprovider", "-rs", "-k", "opens")
    result.assert_outcomes(skipped=1)
    result.stdout.fnmatch_lines(["*Playwright is not installed*never download one*"])

"""What each case group's endpoint must answer, and the cookies its load carries.

The runner polls a new server with its group's :class:`Probe` until the answer is the
expected one (so it never measures a broken app). For the ``pages`` group that first
answer also opens a session: its cookies go into every wrk request (``-H "Cookie: ..."``)
so the load reads and writes a real session, and after the load one more request must
show that the session was kept (visit 2 or later).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from benchmarks.apps import PATH as JSON_PATH
from benchmarks.apps import PAYLOAD
from benchmarks.page_data import PATH as PAGE_PATH
from benchmarks.page_data import VISIT, page_problem


def json_problem(response: httpx.Response, expected: Mapping[str, Any] = PAYLOAD) -> str | None:
    """Why ``response`` is not the JSON ``expected`` (the shared payload) (None when it is)."""
    try:
        if response.status_code == 200 and response.json() == expected:
            return None
    except ValueError:
        pass
    return f"status {response.status_code}, not the benchmark payload"


def html_problem(response: httpx.Response) -> str | None:
    """Why ``response`` is not the benchmark page (None when it is)."""
    return page_problem(response.status_code, response.text)


def session_problem(response: httpx.Response) -> str | None:
    """Why ``response`` (sent with the session cookie) shows no kept session."""
    problem = html_problem(response)
    if problem is not None:
        return problem
    visit = VISIT.search(response.text)
    if visit is None or int(visit.group(1)) < 2:
        return "the session cookie was not honoured (still visit 1)"
    return None


def cookie_header(response: httpx.Response) -> str:
    """The ``Cookie`` header a browser would send back: ``name=value`` of each Set-Cookie."""
    pairs = [line.split(";", 1)[0].strip() for line in response.headers.get_list("set-cookie")]
    return "; ".join(pair for pair in pairs if "=" in pair)


@dataclass(frozen=True)
class Probe:
    """A group's endpoint, its expected answer and whether the load carries cookies."""

    path: str
    problem: Callable[[httpx.Response], str | None]
    with_session: bool
    """Send the first answer's cookies with the load, check the session after it, and
    report the body size."""

    def headers(self, first: httpx.Response) -> dict[str, str]:
        """Extra request headers for wrk, derived from the first good answer."""
        if not self.with_session:
            return {}
        cookie = cookie_header(first)
        return {"Cookie": cookie} if cookie else {}


JSON = Probe(JSON_PATH, json_problem, with_session=False)
PAGE = Probe(PAGE_PATH, html_problem, with_session=True)
PROBES = {"frameworks": JSON, "servers": JSON, "pages": PAGE, "observability": JSON}
"""Group name -> probe."""

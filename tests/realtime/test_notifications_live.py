"""Notifications across two server processes (Redis broker): raised in A, the bell
stream of the user's page on B updates; marking read updates it again; another user's
notification cannot be read or marked; the centre page lists them, escaped."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import closing

import httpx
import pytest
from tests.realtime.servers import Server, servers
from tests.realtime.test_processes import TIMEOUT, _require

from shipyard.testing.sse import read_events


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[Server]]:
    _require("redis")
    with servers(tmp_path_factory.mktemp("notifications"), "redis") as started:
        yield started


def _login(server: Server, email: str) -> tuple[httpx.Client, int, str]:
    client = httpx.Client(base_url=server.url, timeout=TIMEOUT)
    answer = client.get("/test/login", params={"email": email}).json()
    return client, int(answer["id"]), str(answer["csrf"])


def test_a_notification_raised_in_one_process_updates_the_bell_on_the_other(
    pair: list[Server],
) -> None:
    a, b = pair
    ann, _, csrf = _login(b, "ann@example.test")
    with closing(ann), ann.stream("GET", "/notifications/stream") as stream:
        assert stream.status_code == 200
        bells = read_events(stream.iter_lines())
        first = next(bells)
        assert first.event == "bell"
        assert 'id="bell-count">0<' in first.data

        answer = httpx.post(
            f"{a.url}/test/notify",
            params={"email": "ann@example.test", "ship": "Nautilus"},
            timeout=TIMEOUT,
        )
        assert answer.status_code == 200, answer.text
        notification_id = answer.json()["id"]
        second = next(bells)
        assert 'id="bell-count">1<' in second.data
        assert "Nautilus docked" in second.data
        assert "&lt;b&gt;at the quay&lt;/b&gt;" in second.data

        # Marked read through the other process: this stream hears of it.
        marked = ann.post(
            f"{a.url}/notifications/{notification_id}/read",
            headers={"X-CSRF-Token": csrf, "HX-Request": "true"},
        )
        assert marked.status_code == 200, marked.text
        assert 'id="bell-count">0<' in marked.text
        third = next(bells)
        assert 'id="bell-count">0<' in third.data


def test_the_centre_is_per_user_and_checks_csrf(pair: list[Server]) -> None:
    a, b = pair
    ann, _, ann_csrf = _login(a, "ann@example.test")
    bob, _, bob_csrf = _login(b, "bob@example.test")
    with closing(ann), closing(bob):
        notified = httpx.post(
            f"{a.url}/test/notify",
            params={"email": "ann@example.test", "ship": "Calypso"},
            timeout=TIMEOUT,
        ).json()["id"]
        page = ann.get("/notifications")
        assert page.status_code == 200
        assert "Calypso docked" in page.text
        assert "&lt;b&gt;" in page.text
        assert "Calypso" not in bob.get("/notifications").text
        refused = bob.post(f"/notifications/{notified}/read", headers={"X-CSRF-Token": bob_csrf})
        assert refused.status_code == 404
        forged = ann.post(f"/notifications/{notified}/read")  # no CSRF token
        assert forged.status_code == 403
        hostile = ann.post(
            "/notifications/99999999999999999999/read", headers={"X-CSRF-Token": ann_csrf}
        )
        assert hostile.status_code == 422
        done = ann.post("/notifications/read-all", headers={"X-CSRF-Token": ann_csrf})
        assert done.status_code == 303
        assert "0 unread" in ann.get("/notifications").text
        anonymous = httpx.get(f"{a.url}/notifications/stream", timeout=TIMEOUT)
        assert anonymous.status_code == 401


def test_preferences_are_saved_per_user(pair: list[Server]) -> None:
    a, _ = pair
    ann, _, csrf = _login(a, "carl@example.test")
    kind = "tests.realtime.realtime_app.Docked"
    with closing(ann):
        page = ann.get("/notifications/settings")
        assert page.status_code == 200
        assert f'value="{kind}|database"' in page.text
        assert "Ship dockings" in page.text
        assert "checked" in page.text
        forged = ann.post("/notifications/settings", data={"on": [f"{kind}|live"]})
        assert forged.status_code == 403  # no CSRF token
        saved = ann.post(
            "/notifications/settings",
            data={"csrf_token": csrf, "on": [f"{kind}|live", f"{kind}|mail", "evil|x"]},
        )
        assert saved.status_code == 303
        after = ann.get("/notifications/settings").text
        assert after.count(" checked") == 2  # live and mail; database turned off
        notified = httpx.post(
            f"{a.url}/test/notify",
            params={"email": "carl@example.test", "ship": "Argo"},
            timeout=TIMEOUT,
        )
        assert notified.json()["id"] == 0  # not stored: carl turned the centre off
        assert "Argo" not in ann.get("/notifications").text

"""Password hashing off the event loop (issue 13, item 7): the loop serves while Argon2 runs.

A spy wraps argon2-cffi's real ``PasswordHasher.hash``/``verify`` (the hashes still run)
and writes ``start``/``end`` into one event list, which the event loop's own work
(heartbeat ticks, answered requests) writes into too through :meth:`HashSpy.note`. Each
spied hash waits, after it starts, until the loop has noted something: off the loop that
happens at once, so every hash holds a loop event whatever the machine's load; on the
loop nothing can be noted, and the hash records ``starved`` after a few seconds.
Assertions are on this ordering and on counts, never on milliseconds.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import re
import threading
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from argon2 import PasswordHasher
from tests.auth.support import PASSWORD, AuthHarness

from shipyard.auth.hashpool import available_cpus, hash_concurrency
from shipyard.auth.passwords import hash_password, hash_password_sync, verify_password
from shipyard.config.models import AuthSettings

SLOW_ARGON2 = {"argon2_time_cost": 3, "argon2_memory_cost": 19_456, "argon2_parallelism": 1}
"""Real, OWASP-sized hashes, a little slower than the default: each takes tens of ms."""
CONCURRENT = 8
LOOP_WAIT = 5.0
"""Seconds a spied hash waits for the event loop to show it is still running."""
WRONG = "not the password, but long"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class HashSpy:
    """Records when real Argon2 calls start and end, and how many ran at once."""

    def __init__(self) -> None:
        self.events: list[str] = []
        self.running = 0
        self.peak = 0
        self._lock = threading.Lock()
        self._progress = threading.Event()
        self.wait_for_the_loop = False
        """Make each hash wait until the loop notes something (the loop-latency tests)."""

    def note(self, kind: str) -> None:
        """The loop did some work of ``kind`` (called from the event loop)."""
        with self._lock:
            self.events.append(kind)
        self._progress.set()

    def wrap(self, original: Callable[..., Any]) -> Callable[..., Any]:
        def spied(hasher: PasswordHasher, *args: Any, **kwargs: Any) -> Any:
            with self._lock:
                self.running += 1
                self.peak = max(self.peak, self.running)
                self.events.append("start")
                self._progress.clear()
            if self.wait_for_the_loop and not self._progress.wait(timeout=LOOP_WAIT):
                with self._lock:
                    self.events.append("starved")
            try:
                return original(hasher, *args, **kwargs)
            finally:
                with self._lock:
                    self.running -= 1
                    self.events.append("end")

        return spied

    def reset(self) -> None:
        with self._lock:
            self.events.clear()
            self.peak = 0

    def loop_events_inside_each_hash(self, kind: str) -> list[int]:
        """For each hash (they must not overlap), how many ``kind`` events it contains."""
        counts: list[int] = []
        inside: int | None = None
        for event in self.events:
            if event == "start":
                assert inside is None, "hashes overlapped: run this with hash_concurrency=1"
                inside = 0
            elif event == "end":
                assert inside is not None
                counts.append(inside)
                inside = None
            elif event == kind and inside is not None:
                inside += 1
        return counts


@pytest.fixture
def spy(monkeypatch: pytest.MonkeyPatch) -> HashSpy:
    recorder = HashSpy()
    for name in ("hash", "verify"):
        monkeypatch.setattr(PasswordHasher, name, recorder.wrap(getattr(PasswordHasher, name)))
    return recorder


async def _tick_until_done(tasks: list[asyncio.Task[Any]], spy: HashSpy) -> None:
    while not all(task.done() for task in tasks):
        spy.note("tick")
        await asyncio.sleep(0.001)


async def test_the_loop_keeps_ticking_while_eight_verifications_run(spy: HashSpy) -> None:
    settings = AuthSettings(**SLOW_ARGON2, hash_concurrency=1)
    stored = hash_password_sync(PASSWORD, settings)
    spy.reset()
    spy.wait_for_the_loop = True

    tasks = [
        asyncio.create_task(verify_password(WRONG, stored, settings)) for _ in range(CONCURRENT)
    ]
    await _tick_until_done(tasks, spy)

    assert [task.result() for task in tasks] == [(False, False)] * CONCURRENT
    assert "starved" not in spy.events
    ticks = spy.loop_events_inside_each_hash("tick")
    assert len(ticks) == CONCURRENT
    assert all(count >= 1 for count in ticks), ticks


async def test_hashing_runs_at_most_hash_concurrency_at_once(spy: HashSpy) -> None:
    settings = AuthSettings(**SLOW_ARGON2, hash_concurrency=2)

    hashes = await asyncio.gather(*(hash_password(WRONG, settings) for _ in range(CONCURRENT)))

    assert len(set(hashes)) == CONCURRENT  # each salted, each real
    assert spy.peak == 2


def test_hash_concurrency_defaults_to_the_cpus_of_the_process_but_one() -> None:
    assert available_cpus() == len(os.sched_getaffinity(0))
    assert hash_concurrency(AuthSettings()) == max(1, available_cpus() - 1)
    assert hash_concurrency(AuthSettings(hash_concurrency=3)) == 3
    with pytest.raises(ValueError, match="greater than or equal to 1"):
        AuthSettings(hash_concurrency=0)


def _hash_in_a_fresh_loop() -> None:
    hashed = asyncio.run(hash_password(WRONG, AuthSettings(argon2_memory_cost=8)))
    os._exit(0 if hashed.startswith("$argon2id$") else 1)


def test_a_forked_worker_hashes_although_the_parent_already_did() -> None:
    settings = AuthSettings(argon2_memory_cost=8)
    asyncio.run(hash_password(WRONG, settings))  # the parent's pool now has a thread
    child = multiprocessing.get_context("fork").Process(target=_hash_in_a_fresh_loop)
    child.start()
    child.join(timeout=30)
    if child.is_alive():
        child.kill()
        pytest.fail("the forked child's hash never ran (the parent's dead pool was reused)")
    assert child.exitcode == 0


def test_other_requests_are_served_during_eight_concurrent_wrong_logins(
    make_harness: Callable[..., AuthHarness], sqlite_url: str, spy: HashSpy
) -> None:
    harness = make_harness(
        sqlite_url, auth={**SLOW_ARGON2, "hash_concurrency": 1}, ratelimit={"enabled": False}
    )
    harness.create_user()

    async def scenario() -> list[int]:
        transport = httpx.ASGITransport(app=harness.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            page = await http.get("/account/login", headers={"Accept": "text/html"})
            found = _CSRF.search(page.text)
            assert found is not None
            form = {"csrf_token": found.group(1), "email": "ada@example.com", "password": WRONG}
            spy.reset()
            spy.wait_for_the_loop = True
            logins = [
                asyncio.create_task(http.post("/account/login", data=form))
                for _ in range(CONCURRENT)
            ]
            while not all(task.done() for task in logins):
                assert (await http.get("/api/maybe")).status_code == 200
                spy.note("served")
                # in process nothing waits on a socket, and SQLite answers on the loop, so
                # a request may finish without a pause: leave the loop a turn, as a server does
                await asyncio.sleep(0)
            return [task.result().status_code for task in logins]

    assert harness.run(scenario) == [422] * CONCURRENT  # "Wrong email or password."
    assert "starved" not in spy.events
    served = spy.loop_events_inside_each_hash("served")
    assert len(served) == CONCURRENT
    assert all(count >= 1 for count in served), served

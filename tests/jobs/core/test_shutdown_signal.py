"""Graceful shutdown of a real worker process on SIGTERM (and a forcing second signal)."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

SCRIPT = Path(__file__).with_name("shutdown_worker.py")


def start_worker(grace: float, seconds: float) -> subprocess.Popen[str]:
    process = subprocess.Popen(
        [sys.executable, str(SCRIPT), str(grace), str(seconds)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline().strip()
    if line != "started":
        process.kill()
        raise AssertionError(f"worker did not start: {line!r} {process.stderr.read()}")  # type: ignore[union-attr]
    return process


def finish(process: subprocess.Popen[str], timeout: float) -> dict[str, Any]:
    out, err = process.communicate(timeout=timeout)
    assert process.returncode == 0, err
    report: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return report


def test_sigterm_lets_the_running_job_finish_and_leaves_the_queue_alone() -> None:
    process = start_worker(grace=10, seconds=0.5)
    process.send_signal(signal.SIGTERM)
    report = finish(process, timeout=10)
    assert report["slow"] == {"state": "succeeded", "attempts": 1}
    assert report["quick1"] == report["quick2"] == {"state": "queued", "attempts": 0}


def test_a_job_outliving_the_grace_period_goes_back_to_the_queue() -> None:
    process = start_worker(grace=0.2, seconds=30)
    began = time.monotonic()
    process.send_signal(signal.SIGTERM)
    report = finish(process, timeout=10)
    assert time.monotonic() - began < 5
    assert report["slow"] == {"state": "queued", "attempts": 0}


def test_a_second_signal_forces_the_stop() -> None:
    process = start_worker(grace=60, seconds=30)
    began = time.monotonic()
    process.send_signal(signal.SIGTERM)
    time.sleep(0.2)
    assert process.poll() is None  # still inside its grace period
    process.send_signal(signal.SIGINT)
    report = finish(process, timeout=10)
    assert time.monotonic() - began < 5
    assert report["slow"] == {"state": "queued", "attempts": 0}

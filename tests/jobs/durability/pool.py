"""Real worker processes (``shipyard jobs worker``) that can be killed and restarted.

Each slot of the pool runs ``python -m shipyard.cli.main jobs worker`` on
:mod:`tests.jobs.durability.worker_app`; its output goes to a log file per process, so a
failing test can show what the workers said.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
APP_SPEC = "tests.jobs.durability.worker_app:app"


class WorkerPool:
    """``size`` worker processes sharing one environment; every process is tracked."""

    def __init__(self, size: int, env: Mapping[str, str], logs: Path, concurrency: int) -> None:
        self.size = size
        self.env = {**os.environ, **env, "PYTHONPATH": str(ROOT)}
        self.logs = logs
        self.concurrency = concurrency
        self.slots: list[subprocess.Popen[bytes]] = []
        self.born: list[float] = []
        self.started: list[subprocess.Popen[bytes]] = []
        self.kills = 0

    def start(self) -> None:
        """Start every slot's worker."""
        self.slots = [self._spawn() for _ in range(self.size)]
        self.born = [time.monotonic()] * self.size

    def _spawn(self) -> subprocess.Popen[bytes]:
        log = self.logs / f"worker-{len(self.started)}.log"
        command = [sys.executable, "-m", "shipyard.cli.main", "jobs", "worker"]
        command += ["--app", APP_SPEC, "--concurrency", str(self.concurrency), "--no-cron"]
        with log.open("wb") as output:
            process = subprocess.Popen(
                command, cwd=ROOT, env=self.env, stdout=output, stderr=subprocess.STDOUT
            )
        self.started.append(process)
        return process

    def kill_and_restart(self, rng: random.Random) -> int:
        """SIGKILL a slot's worker and start a new one there; returns the victim's pid.

        The victim is a random one of the slots whose worker has lived longest: a worker
        killed while it is still starting holds no job, and kills that only ever hit
        starting workers would prove nothing.
        """
        oldest = sorted(range(self.size), key=self.born.__getitem__)[: max(1, self.size // 2)]
        slot = rng.choice(oldest)
        victim = self.slots[slot]
        victim.send_signal(signal.SIGKILL)
        victim.wait()
        self.kills += 1
        self.slots[slot] = self._spawn()
        self.born[slot] = time.monotonic()
        return victim.pid

    def crashed(self) -> list[str]:
        """Workers that exited on their own (not killed by us): their log tails."""
        return [self.tail(process) for process in self.slots if process.poll() is not None]

    def stop(self, timeout: float = 10) -> None:
        """SIGTERM every live worker, wait, and SIGKILL whatever is still running."""
        for process in self.started:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.started:
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def tail(self, process: subprocess.Popen[bytes], lines: int = 15) -> str:
        """The last lines a worker printed."""
        log = self.logs / f"worker-{self.started.index(process)}.log"
        text = log.read_text(errors="replace").splitlines()[-lines:]
        return f"worker pid {process.pid} (exit {process.returncode}):\n" + "\n".join(text)

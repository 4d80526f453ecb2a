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
from collections.abc import Collection, Mapping
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
        self.started: list[subprocess.Popen[bytes]] = []
        self.kills = 0

    def start(self) -> None:
        """Start every slot's worker."""
        self.slots = [self._spawn() for _ in range(self.size)]

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

    def kill_and_restart(self, rng: random.Random, working: Collection[int]) -> int | None:
        """SIGKILL a slot's worker and start a new one there; returns the victim's pid.

        The victim is a random one of the workers that have run a job (their pids are in
        ``working``): a worker killed while it is still starting holds no job, and on a
        loaded machine start-up takes seconds, so kills that hit starting workers would
        prove nothing. None (nobody killed) while no worker has run a job yet.
        """
        busy = [slot for slot in range(self.size) if self.slots[slot].pid in working]
        if not busy:
            return None
        slot = rng.choice(busy)
        victim = self.slots[slot]
        victim.send_signal(signal.SIGKILL)
        victim.wait()
        self.kills += 1
        self.slots[slot] = self._spawn()
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

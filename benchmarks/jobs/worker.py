"""The worker process: ``python -m benchmarks.jobs.worker SYSTEM`` runs that system's worker."""

from __future__ import annotations

import sys

from benchmarks.jobs.adapter import load

if __name__ == "__main__":
    load(sys.argv[1])().work()

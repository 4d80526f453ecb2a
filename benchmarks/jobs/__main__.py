"""``python -m benchmarks.jobs``: measure the job systems, print and write the figures."""

from __future__ import annotations

import sys

from benchmarks.jobs.cli import main

if __name__ == "__main__":
    sys.exit(main())

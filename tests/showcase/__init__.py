"""Tests of the showcase app (examples/showcase), against the real app on SQLite."""

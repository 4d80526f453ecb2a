"""Tests of background jobs: the shared backend contract and each backend."""

"""Tests of ports."""

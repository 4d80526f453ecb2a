"""Tests of shipments."""

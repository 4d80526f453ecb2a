"""Test helpers for ships."""

"""The tests of this app."""

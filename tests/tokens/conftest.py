"""Token test fixtures: those of tests/tokens/fixtures.py (its ``__all__``)."""

from tests.tokens.fixtures import *  # noqa: F403 - the shared fixtures, named in its __all__

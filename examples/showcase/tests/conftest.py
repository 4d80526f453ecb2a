"""Shared fixtures of the showcase's own tests (the ones `shipyard scaffold` writes).

The Shipyard pytest plugin provides `app` (the showcase with the `test` profile), `client`,
`db_session` (rolled back after each test) and the rest; before the first test it applies
the showcase's migrations to the test database. Run them from `examples/showcase` with
`pytest`; the repository's `tests/showcase/test_generated_tests.py` does that too.
"""

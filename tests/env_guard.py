"""A pytest plugin (loaded by `addopts`): no test leaves `SHIPYARD_*` variables behind.

Commands run in-process (``load_app(profile=...)``, the server CLI publishing its app
spec) export ``SHIPYARD_*`` variables the way they must in production. Left set, they
follow the worker into later tests and into every subprocess those start: a generated
project's own test run would read another test's database. The guard puts the
environment back after each test and warns, naming the test, so the leak gets fixed.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterator

import pytest

PREFIX = "SHIPYARD_"


def _shipyard_variables() -> dict[str, str]:
    return {key: value for key, value in os.environ.items() if key.startswith(PREFIX)}


@pytest.fixture(autouse=True)
def _no_leaked_shipyard_variables(request: pytest.FixtureRequest) -> Iterator[None]:
    before = _shipyard_variables()
    yield
    after = _shipyard_variables()
    if after == before:
        return
    changed = sorted(
        key for key in before.keys() | after.keys() if before.get(key) != after.get(key)
    )
    for key in changed:
        if key in before:
            os.environ[key] = before[key]
        else:
            del os.environ[key]
    warnings.warn(f"{request.node.nodeid} left {', '.join(changed)} changed", stacklevel=1)

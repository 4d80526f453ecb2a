"""The root package: the everyday names, one import away, each meaning one thing."""

from __future__ import annotations

import subprocess
import sys

import shipyard


def test_every_exported_name_exists_once() -> None:
    assert len(shipyard.__all__) == len(set(shipyard.__all__))
    for name in shipyard.__all__:
        assert getattr(shipyard, name) is not None, name


def test_the_two_sessions_have_distinct_names() -> None:
    from shipyard import db, sessions

    assert not hasattr(db, "get_session")  # the database's is get_db_session
    assert shipyard.DbSession is db.DbSession
    assert shipyard.SessionDep is sessions.SessionDep


def test_importing_shipyard_registers_no_token_tables() -> None:
    """Token tables are the TokensExtension's: an app that does not use it never sees them."""
    code = (
        "import shipyard; from shipyard.db import Model;"
        "print(sorted(t for t in Model.metadata.tables if 'token' in t))"
    )
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert output.strip() == "[]"

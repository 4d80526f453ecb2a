"""The old homes of tokens, API keys and rate limits still export every name of the new ones."""

from __future__ import annotations

import importlib

import pytest


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("shipyard.security.tokens", "shipyard.auth.tokens"),
        ("shipyard.security.apikeys", "shipyard.auth.apikeys"),
        ("shipyard.security.ratelimit", "shipyard.ratelimit"),
        ("shipyard.api.problems", "shipyard.core.problems"),
    ],
)
def test_old_path_re_exports_the_new_home(old: str, new: str) -> None:
    before, after = importlib.import_module(old), importlib.import_module(new)
    names = getattr(before, "__all__", None) or [n for n in dir(before) if n.isupper()]
    assert names
    for name in names:
        assert getattr(before, name) is getattr(after, name), name


def test_sessions_and_flash_are_still_importable_from_security() -> None:
    from shipyard import security, sessions, web

    assert security.get_session is sessions.get_session
    assert security.flash is web.flash.flash

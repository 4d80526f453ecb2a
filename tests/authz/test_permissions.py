"""Permission strings: format validation and the wildcard matching table."""

from __future__ import annotations

import pytest

from shipyard.authz import grants, matches, validate_permission
from shipyard.authz.permissions import validate_required
from shipyard.errors import ShipyardError


@pytest.mark.parametrize(
    ("granted", "required", "expected"),
    [
        ("posts:create", "posts:create", True),
        ("posts:create", "posts:delete", False),
        ("posts:create", "comments:create", False),
        ("posts:*", "posts:create", True),
        ("posts:*", "posts:delete", True),
        ("posts:*", "postsx:create", False),
        ("*:read", "posts:read", True),
        ("*:read", "users:read", True),
        ("*:read", "posts:create", False),
        ("*:*", "anything:goes", True),
        ("*", "anything:goes", True),
        ("post:*", "posts:create", False),
        ("posts:creat", "posts:create", False),
    ],
)
def test_wildcard_matching_table(granted: str, required: str, expected: bool) -> None:
    assert matches(granted, required) is expected
    assert grants([granted], required) is expected


@pytest.mark.parametrize("good", ["posts:create", "posts:*", "*:read", "*", "*:*", "a.b-c_d:e1"])
def test_valid_permissions(good: str) -> None:
    assert validate_permission(good) == good


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "posts",
        "posts:",
        ":create",
        "Posts:create",
        "posts:create:x",
        "po*ts:read",
        "posts :read",
        "posts:**",
        "**",
        "posts:read\n",
        42,
    ],
)
def test_malformed_permissions_are_refused_with_the_format(bad: object) -> None:
    with pytest.raises(ShipyardError, match="resource:action"):
        validate_permission(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", ["posts:*", "*", "*:read", "posts"])
def test_required_permissions_must_be_concrete(bad: str) -> None:
    with pytest.raises(ShipyardError, match="concrete"):
        validate_required(bad)


def test_malformed_grants_never_match() -> None:
    assert grants(["posts:create ", "POSTS:*", "posts"], "posts:create") is False

"""Choosing a version from Accept: defaults, q-values, refusals and hostile headers."""

from __future__ import annotations

import pytest
from tests.api.versioning.conftest import api_settings

from shipyard.api.versioning import VersionChoice, choose_version, media_type
from shipyard.api.versioning.negotiation import MAX_MEDIA_RANGES, media_ranges

API = api_settings()  # vendor acme, versions 1 2 3, default 2


def test_media_type_format() -> None:
    assert media_type("acme", "2") == "application/vnd.acme.v2+json"


@pytest.mark.parametrize(
    "accept",
    [None, "", "   ", "*/*", "application/json", "application/*", "application/vnd.acme+json"],
)
def test_no_version_asked_gets_the_default(accept: str | None) -> None:
    assert choose_version(accept, API) == VersionChoice("2", "default")


@pytest.mark.parametrize("version", ["1", "2", "3"])
def test_explicit_version(version: str) -> None:
    choice = choose_version(f"application/vnd.acme.v{version}+json", API)
    assert choice == VersionChoice(version, "accept")


def test_media_type_is_case_insensitive() -> None:
    assert choose_version("Application/VND.Acme.V3+JSON", API).version == "3"


def test_highest_quality_wins() -> None:
    accept = "application/vnd.acme.v3+json;q=0.2, application/vnd.acme.v1+json;q=0.9"
    assert choose_version(accept, API).version == "1"


def test_equal_quality_prefers_the_newest_version() -> None:
    accept = "application/vnd.acme.v1+json, application/vnd.acme.v3+json"
    assert choose_version(accept, API).version == "3"


def test_generic_json_preferred_over_a_weaker_version_gives_the_default() -> None:
    accept = "application/vnd.acme.v3+json;q=0.1, application/json"
    assert choose_version(accept, API) == VersionChoice("2", "default")


def test_q_zero_refuses_a_version() -> None:
    accept = "application/vnd.acme.v3+json;q=0, application/vnd.acme.v3+json"
    assert choose_version(accept, API).version != "3"


def test_refusing_the_default_falls_back_to_the_newest_other() -> None:
    accept = "application/vnd.acme.v2+json;q=0, */*"
    assert choose_version(accept, API) == VersionChoice("3", "default")


def test_refusing_everything_is_not_acceptable() -> None:
    refused = ", ".join(f"application/vnd.acme.v{v}+json;q=0" for v in "123")
    assert choose_version(refused, API) == VersionChoice(None, "accept")


def test_unknown_version_is_not_acceptable_and_named() -> None:
    choice = choose_version("application/vnd.acme.v9+json", API)
    assert choice == VersionChoice(None, "accept", ("9",))


def test_unknown_version_with_a_generic_fallback_gets_the_default() -> None:
    accept = "application/vnd.acme.v9+json, application/json;q=0.5"
    assert choose_version(accept, API) == VersionChoice("2", "default")


def test_other_vendors_and_html_are_ignored() -> None:
    assert choose_version("application/vnd.other.v3+json", API).version == "2"
    assert choose_version("text/html", API).version == "2"


@pytest.mark.parametrize(
    "accept",
    [
        "garbage",
        ";;;,,,;q=",
        "application/vnd.acme.v3+json;q=banana",
        "application/vnd.acme.v3+json;q=nan",
        "application/vnd.acme.v3+json;q=-inf",
        "\x00\x01\x02/\xff",
        "a/b/c, /, //, */",
    ],
)
def test_garbage_never_raises_and_never_picks_a_refused_version(accept: str) -> None:
    choice = choose_version(accept, API)
    assert choice.version in {"2", None}
    assert choice.version != "3"


def test_quality_is_clamped_to_zero_and_one() -> None:
    assert dict(media_ranges("a/b;q=7, c/d;q=-3")) == {"a/b": 1.0, "c/d": 0.0}


def test_garbage_version_tokens_are_not_echoed() -> None:
    hostile = "application/vnd.acme.v<script>alert(1)</script>+json"
    choice = choose_version(hostile + ", application/vnd.acme.vBAD VERSION+json", API)
    assert choice.version is None
    assert choice.requested == ()


def test_at_most_five_unknown_versions_are_echoed() -> None:
    accept = ", ".join(f"application/vnd.acme.v{n}+json" for n in range(10, 30))
    assert choose_version(accept, API).requested == ("10", "11", "12", "13", "14")


def test_huge_header_is_read_only_up_to_its_limit() -> None:
    accept = "x/y;" + "a" * 100_000 + ", application/vnd.acme.v3+json"
    assert choose_version(accept, API) == VersionChoice("2", "default")


def test_many_media_ranges_are_bounded() -> None:
    filler = [f"text/x-{n};q=0.{n % 9 + 1}" for n in range(MAX_MEDIA_RANGES)]
    late = ", ".join([*filler, "application/vnd.acme.v3+json"])
    assert len(list(media_ranges(late))) == MAX_MEDIA_RANGES
    assert choose_version(late, API).version == "2"
    early = ", ".join(["application/vnd.acme.v3+json;q=0.4", *filler])
    assert choose_version(early, API) == VersionChoice("3", "accept")
